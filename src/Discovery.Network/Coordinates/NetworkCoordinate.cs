namespace Discovery.Network.Coordinates;

/// <summary>
/// A Vivaldi network coordinate: a point in a Euclidean space plus a height (the node's access link), its local error
/// estimate, and an adjustment term. The estimated RTT to another coordinate is the Euclidean distance plus both
/// heights, plus both adjustments when that stays positive.
/// </summary>
/// <param name="Vector">The Euclidean part, in ms.</param>
/// <param name="Height">The height, in ms.</param>
/// <param name="Error">The local error estimate (relative).</param>
/// <param name="Adjustment">The adjustment term, in ms.</param>
public sealed record NetworkCoordinate(double[] Vector, double Height, double Error, double Adjustment = 0)
{
    /// <summary>A node that knows nothing yet: at the origin, minimal height, maximal error.</summary>
    public static NetworkCoordinate Origin(VivaldiOptions options) =>
        new(new double[options.Dimensions], options.HeightMinMs, options.ErrorMax);

    /// <summary>The estimated RTT to <paramref name="other"/>, in ms.</summary>
    public double EstimateRttMs(NetworkCoordinate other)
    {
        var raw = RawDistance(other);
        var adjusted = raw + Adjustment + other.Adjustment;
        return adjusted > 0 ? adjusted : raw;
    }

    /// <summary>Euclidean distance plus both heights, without adjustments, in ms.</summary>
    public double RawDistance(NetworkCoordinate other) => Euclidean(Vector, other.Vector) + Height + other.Height;

    /// <summary>Whether both coordinates have the same number of dimensions.</summary>
    public bool IsCompatibleWith(NetworkCoordinate other) => Vector.Length == other.Vector.Length;

    internal static double Euclidean(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"[{string.Join(", ", Vector.Select(v => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)))}] h={Height:0.###} e={Error:0.###}";
}
