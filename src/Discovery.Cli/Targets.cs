using System.Globalization;
using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;

namespace Discovery.Cli;

/// <summary>
/// What a user writes after <c>--near</c> or <c>nodes nearest</c>: a site (<c>lyon</c>), a node (<c>lyon/node-2</c>),
/// or a point in coordinate space (<c>12.5,-3,0.8</c>, in ms, the Vivaldi dimensions in order).
/// </summary>
public static class Targets
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="ArgumentException"/> saying what forms are accepted.</summary>
    public static NearestTarget Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        if (text.Contains(',') || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return NearestTarget.OfCoordinate(Coordinate(text));
        if (text.Contains('/'))
            return NodeId.TryParse(text, out var node, out var problem)
                ? NearestTarget.OfNode(node.ToString())
                : throw new ArgumentException($"'{text}' is not a node id: {problem}");
        return SiteName.Validate(text) is { } bad
            ? throw new ArgumentException($"'{text}' is not a site, a node (site/name) or a coordinate (x,y,…): {bad}")
            : NearestTarget.OfSite(text);
    }

    /// <summary>The locality a VE is deployed or relocated near.</summary>
    public static Locality Locality(string text, double? maxRttMs) => Parse(text) switch
    {
        { Node: { } node } => Abstractions.Environments.Locality.NearNode(node, maxRttMs),
        { Site: { } site } => Abstractions.Environments.Locality.NearSite(site, maxRttMs),
        { Coordinate: { } point } => Abstractions.Environments.Locality.NearCoordinate(point, maxRttMs),
        _ => throw new ArgumentException($"'{text}' names nothing to be near"),
    };

    private static NodeCoordinate Coordinate(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new List<double>();
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
                throw new ArgumentException($"'{text}': '{part}' is not a number; a coordinate is numbers separated by commas, e.g. 12.5,-3");
            values.Add(value);
        }
        return new NodeCoordinate(values, 0, 0);
    }
}
