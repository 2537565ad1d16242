using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Abstractions.Environments;

/// <summary>
/// The identity of a virtual environment: <c>tenant/name</c>, e.g. <c>tenant-a/three-tier</c>. It is the key of the
/// VE's grain; its VMs are <c>tenant/name/vm</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.ve-id")]
public sealed record VeId
{
    private VeId(string tenant, string name) => (Tenant, Name) = (tenant, name);

    /// <summary>The tenant that owns the VE.</summary>
    [Id(0)] public string Tenant { get; }

    /// <summary>The VE's name, unique within its tenant.</summary>
    [Id(1)] public string Name { get; }

    /// <summary>Parses <c>tenant/name</c>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static VeId Parse(string? value)
    {
        var parts = value?.Split('/') ?? [];
        if (parts.Length != 2)
            throw new FormatException($"VE id '{value}' must be tenant/name, e.g. tenant-a/three-tier");
        if (VmId.Validate(value) is { } problem)
            throw new FormatException(problem.Replace("VM id", "VE id"));
        return new VeId(parts[0], parts[1]);
    }

    /// <summary>The id of the VM instance <paramref name="vm"/> of this VE.</summary>
    public VmId Vm(string vm) => VmId.Parse($"{this}/{vm}");

    /// <inheritdoc />
    public override string ToString() => $"{Tenant}/{Name}";
}
