namespace Discovery.Images;

/// <summary>A chunk's name: the BLAKE3-256 hash of its uncompressed content, as 64 lowercase hex digits.</summary>
/// <param name="Hex">The hash in lowercase hex.</param>
public readonly record struct ChunkId(string Hex)
{
    /// <summary>Bytes in a BLAKE3-256 hash.</summary>
    public const int HashSize = 32;

    /// <summary>Hashes <paramref name="content"/>.</summary>
    public static ChunkId Of(ReadOnlySpan<byte> content)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        Blake3.Hasher.Hash(content, hash);
        return new ChunkId(Convert.ToHexStringLower(hash));
    }

    /// <summary>Parses 64 hex digits (either case); throws <see cref="FormatException"/> naming the bad text.</summary>
    public static ChunkId Parse(string hex) =>
        TryParse(hex, out var id) ? id
        : throw new FormatException($"a chunk id is 64 hex digits (BLAKE3-256), got '{hex}'");

    /// <summary>Parses 64 hex digits (either case) without throwing.</summary>
    public static bool TryParse(string? hex, out ChunkId id)
    {
        id = default;
        if (hex is null || hex.Length != HashSize * 2 || !hex.AsSpan().ContainsOnlyHex())
            return false;
        id = new ChunkId(hex.ToLowerInvariant());
        return true;
    }

    /// <summary>Whether <paramref name="content"/> hashes to this id.</summary>
    public bool Matches(ReadOnlySpan<byte> content) => Of(content).Hex == Hex;

    /// <inheritdoc/>
    public override string ToString() => Hex;
}

internal static class HexExtensions
{
    public static bool ContainsOnlyHex(this ReadOnlySpan<char> text) => !text.ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits =
        System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");
}
