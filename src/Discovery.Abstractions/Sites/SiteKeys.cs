namespace Discovery.Abstractions.Sites;

/// <summary>Reads the site out of a grain key of the form <c>site/rest</c>.</summary>
public static class SiteKeys
{
    /// <summary>
    /// Returns the site part of <paramref name="key"/> (everything before the first '/'), or null with a reason
    /// when the key does not start with a valid site name.
    /// </summary>
    public static string? TryGetSite(string key, out string? problem)
    {
        var slash = key.IndexOf('/');
        var site = slash < 0 ? key : key[..slash];
        problem = SiteName.Validate(site);
        if (problem is null)
            return site;
        problem = $"key '{SiteName.Shorten(key)}' must start with a site ('site/…'): {problem}";
        return null;
    }
}
