using Discovery.Abstractions.Coordinates;
using Discovery.Network.Coordinates;

namespace Discovery.Grains.Coordinates;

/// <summary>Converts between the wire form of a coordinate and the library's.</summary>
public static class CoordinateConversions
{
    /// <summary>The wire form.</summary>
    public static NodeCoordinate ToWire(this NetworkCoordinate c) => new(c.Vector.ToArray(), c.Height, c.Error, c.Adjustment);

    /// <summary>The library's form.</summary>
    public static NetworkCoordinate ToNetwork(this NodeCoordinate c) => new(c.Vector.ToArray(), c.Height, c.Error, c.Adjustment);
}
