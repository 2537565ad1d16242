namespace Discovery.Scheduling.Workload;

/// <summary>
/// FNV-1a over UTF-16 code units: the same value in every process, unlike <see cref="HashCode"/>, which is seeded per
/// process and would make seeded runs differ between two executions.
/// </summary>
internal static class StableHash
{
    public static int Of(string text, int seed)
    {
        unchecked
        {
            var hash = 2166136261u ^ (uint)seed;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
                hash = (hash ^ (uint)(c >> 8)) * 16777619u;
            }
            return (int)hash;
        }
    }
}
