namespace Discovery.Abstractions.Sites;

/// <summary>Rules for the name of a site (a point of presence), shared by every key that embeds one.</summary>
public static class SiteName
{
    /// <summary>The longest accepted site name.</summary>
    public const int MaxLength = 63;

    /// <summary>
    /// Returns null when <paramref name="name"/> is a valid site name, otherwise a sentence that says what is wrong.
    /// Valid names are lower-case ASCII letters, digits and '-', start with a letter, and are at most 63 characters,
    /// so they fit in keys, file names, metric labels and DNS labels unchanged.
    /// </summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "a site name must not be empty";
        if (name.Length > MaxLength)
            return $"site name '{Shorten(name)}' is {name.Length} characters long; the limit is {MaxLength}";
        if (name[0] is < 'a' or > 'z')
            return $"site name '{name}' must start with a lower-case letter";
        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
                return $"site name '{name}' contains '{c}'; use lower-case letters, digits and '-'";
        }
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem when <paramref name="name"/> is not a valid site name.</summary>
    public static string Require(string? name, string paramName = "site")
    {
        var problem = Validate(name);
        if (problem is not null)
            throw new ArgumentException(problem, paramName);
        return name!;
    }

    internal static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
