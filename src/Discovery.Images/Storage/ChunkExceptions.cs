namespace Discovery.Images;

/// <summary>Thrown when a chunk is not in the store it was asked from.</summary>
public sealed class ChunkMissingException(ChunkId id, string message) : Exception(message)
{
    /// <summary>The chunk that is missing.</summary>
    public ChunkId Id { get; } = id;
}

/// <summary>
/// Thrown when a stored (or received) chunk does not decompress or does not hash to its id. The store never returns such
/// bytes; the caller can <see cref="ChunkStore.Delete"/> the chunk and fetch it again from another site.
/// </summary>
public sealed class ChunkCorruptException(ChunkId id, string message) : Exception(message)
{
    /// <summary>The chunk whose bytes are wrong.</summary>
    public ChunkId Id { get; } = id;
}
