namespace Discovery.Dashboard.Services;

/// <summary>
/// Flattens Vivaldi coordinates (several dimensions) onto the plane that shows most of their spread: the first two
/// principal components, found by power iteration. Distances on the map are then as close to the coordinates' own
/// distances as a flat picture allows.
/// </summary>
public static class MapProjection
{
    private const int Iterations = 50;

    /// <summary>
    /// The 2-D position of each vector, in the same order. Vectors of different lengths are padded with zeros.
    /// Deterministic: the same vectors always give the same picture.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)> Project(IReadOnlyList<IReadOnlyList<double>> vectors)
    {
        if (vectors.Count == 0)
            return [];
        var dims = vectors.Max(v => v.Count);
        var centred = Centre(vectors, dims);
        var first = PrincipalAxis(centred, dims, null);
        var second = PrincipalAxis(centred, dims, first);
        return centred.Select(v => (Dot(v, first), Dot(v, second))).ToList();
    }

    private static double[][] Centre(IReadOnlyList<IReadOnlyList<double>> vectors, int dims)
    {
        var mean = new double[dims];
        foreach (var v in vectors)
            for (var d = 0; d < v.Count; d++)
                mean[d] += v[d] / vectors.Count;
        return vectors.Select(v => Enumerable.Range(0, dims).Select(d => (d < v.Count ? v[d] : 0) - mean[d]).ToArray()).ToArray();
    }

    // The direction of largest variance, orthogonal to `except` when given.
    private static double[] PrincipalAxis(double[][] points, int dims, double[]? except)
    {
        var axis = Enumerable.Range(0, dims).Select(d => 1.0 / (d + 1)).ToArray();
        for (var i = 0; i < Iterations; i++)
        {
            if (except is not null)
                Remove(axis, except);
            var next = new double[dims];
            foreach (var p in points)
            {
                var along = Dot(p, axis);
                for (var d = 0; d < dims; d++)
                    next[d] += along * p[d];
            }
            if (except is not null)
                Remove(next, except);
            var norm = Math.Sqrt(Dot(next, next));
            if (norm < 1e-12)
                return Unit(dims, except);
            axis = next.Select(x => x / norm).ToArray();
        }
        return axis;
    }

    // Any unit vector (orthogonal to `except`): used when all points coincide along every remaining direction.
    private static double[] Unit(int dims, double[]? except)
    {
        for (var d = 0; d < dims; d++)
        {
            var candidate = new double[dims];
            candidate[d] = 1;
            if (except is not null)
                Remove(candidate, except);
            var norm = Math.Sqrt(Dot(candidate, candidate));
            if (norm > 1e-6)
                return candidate.Select(x => x / norm).ToArray();
        }
        return new double[dims];
    }

    private static void Remove(double[] v, double[] direction)
    {
        var along = Dot(v, direction);
        for (var d = 0; d < v.Length; d++)
            v[d] -= along * direction[d];
    }

    private static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var d = 0; d < a.Length; d++)
            sum += a[d] * b[d];
        return sum;
    }
}
