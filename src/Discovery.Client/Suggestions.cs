namespace Discovery.Client;

/// <summary>"Did you mean …?" for a name that does not exist, from the names that do.</summary>
public static class Suggestions
{
    /// <summary>
    /// <c>"; did you mean 'x' or 'y'?"</c> with the known names closest to <paramref name="wrong"/> (by edit distance,
    /// at most a third of its length away), or an empty string when none is close.
    /// </summary>
    public static string DidYouMean(string wrong, IEnumerable<string> known)
    {
        var limit = Math.Max(2, wrong.Length / 3);
        var close = known.Distinct()
            .Select(k => (Name: k, Distance: Distance(wrong.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= limit)
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
            .Take(3)
            .Select(k => $"'{k.Name}'")
            .ToList();
        return close.Count == 0 ? "" : $"; did you mean {string.Join(" or ", close)}?";
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
