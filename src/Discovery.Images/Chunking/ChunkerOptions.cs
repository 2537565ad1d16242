namespace Discovery.Images;

/// <summary>
/// Chunk size limits for <see cref="FastCdc"/>. The defaults (16 KiB / 64 KiB / 256 KiB) are casync's, so the two
/// chunkers can be compared on the same images; changing them changes every chunk id of every image chunked afterwards.
/// </summary>
public sealed record ChunkerOptions
{
    /// <summary>The smallest chunk, except the last one of a stream. FastCDC never looks for a boundary before it.</summary>
    public int MinSize { get; init; } = 16 * 1024;

    /// <summary>The desired average chunk size: a power of two, where normalized chunking switches masks.</summary>
    public int AverageSize { get; init; } = 64 * 1024;

    /// <summary>The largest chunk: a boundary is forced here when content gives none.</summary>
    public int MaxSize { get; init; } = 256 * 1024;

    /// <summary>Largest <see cref="MaxSize"/> accepted: chunks are held whole in memory and in one zstd frame.</summary>
    public const int MaxSupportedSize = 64 * 1024 * 1024;

    /// <summary>Returns why these options are unusable, naming the bad value, or null when they are valid.</summary>
    public string? Validate()
    {
        if (MinSize < 64)
            return $"ChunkerOptions.MinSize must be at least 64 bytes (got {MinSize})";
        if (AverageSize < 256 || (AverageSize & (AverageSize - 1)) != 0)
            return $"ChunkerOptions.AverageSize must be a power of two of at least 256 bytes (got {AverageSize})";
        if (MinSize >= AverageSize)
            return $"ChunkerOptions.MinSize ({MinSize}) must be smaller than AverageSize ({AverageSize})";
        if (MaxSize <= AverageSize)
            return $"ChunkerOptions.MaxSize ({MaxSize}) must be larger than AverageSize ({AverageSize})";
        if (MaxSize > MaxSupportedSize)
            return $"ChunkerOptions.MaxSize must be at most {MaxSupportedSize} bytes (got {MaxSize})";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with <see cref="Validate"/>'s message when the options are invalid.</summary>
    public ChunkerOptions EnsureValid() =>
        Validate() is { } error ? throw new ArgumentException(error) : this;
}
