namespace Discovery.Images;

/// <summary>One chunk of an image, in order: its id and its uncompressed size.</summary>
public sealed record ChunkRef(ChunkId Id, int Size);
