namespace Discovery.Network;

/// <summary>A point on Earth.</summary>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    private const double EarthRadiusKm = 6371.0;

    /// <summary>Great-circle (haversine) distance to <paramref name="other"/>, in km.</summary>
    public double DistanceKmTo(GeoPoint other)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180.0;
        var dLat = Rad(other.Latitude - Latitude);
        var dLon = Rad(other.Longitude - Longitude);
        var a = Math.Pow(Math.Sin(dLat / 2), 2) +
                Math.Cos(Rad(Latitude)) * Math.Cos(Rad(other.Latitude)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(a)));
    }
}

/// <summary>
/// Round-trip time estimated from geography alone: a fixed part (routers, access) plus a cost per km of great-circle
/// distance. Light in fibre covers about 200 km per ms; there and back over paths about 1.5 times longer than the
/// great circle makes about 0.015 ms per km.
/// </summary>
/// <param name="BaseRttMs">The fixed part, in ms.</param>
/// <param name="RttMsPerKm">The cost per km of great-circle distance, in ms.</param>
public sealed record GeoLatencyModel(double BaseRttMs = 1.0, double RttMsPerKm = 0.015)
{
    /// <summary>The estimated RTT between two distinct places, in ms.</summary>
    public double RttMs(GeoPoint a, GeoPoint b) => BaseRttMs + a.DistanceKmTo(b) * RttMsPerKm;
}
