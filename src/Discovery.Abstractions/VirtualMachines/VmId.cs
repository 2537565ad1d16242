using Discovery.Abstractions.Sites;

namespace Discovery.Abstractions.VirtualMachines;

/// <summary>
/// The identity of a VM: one to three '/'-separated segments, e.g. <c>tenant-a/three-tier/web-1</c>. It is the key of
/// the VM's grain and, with '/' turned into '.', the name of its libvirt domain.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.vm-id")]
public sealed record VmId
{
    /// <summary>The longest accepted id.</summary>
    public const int MaxLength = 190;

    private VmId(string value) => Value = value;

    /// <summary>The id as written.</summary>
    [Id(0)] public string Value { get; }

    /// <summary>The libvirt domain name of this VM ('/' becomes '.', which no segment may contain).</summary>
    public string DomainName => Value.Replace('/', '.');

    /// <summary>The tenant owning the VM: the first part of a three-part id, else null (a VM of no tenant).</summary>
    public string? Tenant => Value.Split('/') is { Length: 3 } parts ? parts[0] : null;

    /// <summary>The VE the VM belongs to, <c>tenant/ve</c>: the first two parts of a three-part id, else null.</summary>
    public string? Ve => Value.Split('/') is [var tenant, var ve, _] ? $"{tenant}/{ve}" : null;

    /// <summary>The VM's name in its VE: the last part.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>Parses an id; throws <see cref="FormatException"/> naming the problem.</summary>
    public static VmId Parse(string? value) =>
        Validate(value) is { } problem ? throw new FormatException(problem) : new VmId(value!);

    /// <summary>Returns null when <paramref name="value"/> is a valid VM id, otherwise what is wrong with it.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "a VM id must not be empty";
        if (value.Length > MaxLength)
            return $"VM id '{SiteName.Shorten(value)}' is {value.Length} characters long; the limit is {MaxLength}";
        var segments = value.Split('/');
        if (segments.Length > 3)
            return $"VM id '{value}' has {segments.Length} parts; use at most three: tenant/environment/vm";
        foreach (var segment in segments)
        {
            if (segment.Length == 0)
                return $"VM id '{value}' has an empty part";
            foreach (var c in segment)
            {
                if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_'))
                    return $"VM id '{value}' contains '{c}'; use letters, digits, '-' and '_' between the '/'";
            }
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
