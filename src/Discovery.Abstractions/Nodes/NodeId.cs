using Discovery.Abstractions.Sites;

namespace Discovery.Abstractions.Nodes;

/// <summary>
/// The identity of a physical node: the site it belongs to and its name within that site, written <c>site/name</c>
/// (for example <c>lyon/node-17</c>). This is the key of the node's grain, and the site part decides where it runs.
/// </summary>
[GenerateSerializer, Immutable, Alias("discovery.node-id")]
public sealed record NodeId
{
    /// <summary>The longest accepted node name (the part after the site).</summary>
    public const int MaxNameLength = 63;

    /// <summary>Creates a node id after validating both parts.</summary>
    public NodeId(string site, string name)
    {
        Site = SiteName.Require(site, nameof(site));
        var problem = ValidateName(name);
        if (problem is not null)
            throw new ArgumentException(problem, nameof(name));
        Name = name;
    }

    /// <summary>The site (point of presence) this node belongs to.</summary>
    [Id(0)] public string Site { get; }

    /// <summary>The node's name, unique within its site.</summary>
    [Id(1)] public string Name { get; }

    /// <summary>Parses <c>site/name</c>; throws <see cref="FormatException"/> that names the bad part.</summary>
    public static NodeId Parse(string? key)
    {
        if (TryParse(key, out var id, out var problem))
            return id;
        throw new FormatException(problem);
    }

    /// <summary>Parses <c>site/name</c> without throwing; <paramref name="problem"/> says what is wrong when it fails.</summary>
    public static bool TryParse(string? key, out NodeId id, out string problem)
    {
        id = null!;
        if (string.IsNullOrEmpty(key))
        {
            problem = "a node id must not be empty; write it as site/name, e.g. lyon/node-17";
            return false;
        }
        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            problem = $"node id '{SiteName.Shorten(key)}' has no site; write it as site/name, e.g. lyon/{SiteName.Shorten(key)}";
            return false;
        }
        var site = key[..slash];
        var name = key[(slash + 1)..];
        problem = SiteName.Validate(site) ?? ValidateName(name) ?? "";
        if (problem.Length > 0)
        {
            problem = $"node id '{SiteName.Shorten(key)}': {problem}";
            return false;
        }
        id = new NodeId(site, name);
        return true;
    }

    /// <summary>Returns null when <paramref name="name"/> is a valid node name, otherwise what is wrong with it.</summary>
    public static string? ValidateName(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "a node name must not be empty";
        if (name.Length > MaxNameLength)
            return $"node name '{SiteName.Shorten(name)}' is {name.Length} characters long; the limit is {MaxNameLength}";
        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.'))
                return $"node name '{name}' contains '{c}'; use letters, digits, '-', '_' and '.'";
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Site}/{Name}";
}
