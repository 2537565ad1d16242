namespace Discovery.Abstractions.Images;

/// <summary>Rules for an image's name, shared by the image grains and the VM specs that name one.</summary>
public static class ImageName
{
    /// <summary>The longest accepted image name.</summary>
    public const int MaxLength = 100;

    /// <summary>Null when <paramref name="name"/> can name an image, else why not.</summary>
    public static string? Validate(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxLength
            ? $"image name '{name}' must be 1 to {MaxLength} characters"
            : name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_') && char.IsAsciiLetterOrDigit(name[0])
                ? null
                : $"image name '{name}' may hold lower-case letters, digits, '-', '.' and '_', starting with a letter or digit";
}
