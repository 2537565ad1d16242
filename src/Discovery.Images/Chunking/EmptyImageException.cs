namespace Discovery.Images;

/// <summary>Thrown when an image to chunk has no bytes at all: an image is never empty, so the source is wrong.</summary>
public sealed class EmptyImageException(string message) : Exception(message);
