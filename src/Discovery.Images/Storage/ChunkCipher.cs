using System.Security.Cryptography;
using System.Text;

namespace Discovery.Images;

/// <summary>
/// Seals chunk files at rest with AES-256-GCM under a key of one scope (the shared chunks, or one tenant's), derived
/// with HKDF from the operator's key: a stolen disk or backup of a chunk store reads as noise, and one scope's key opens
/// no other scope's files. Each file gets a fresh random nonce; the chunk's id is authenticated with it, so a file
/// copied over another chunk's does not open. A sealed file is <c>DCE1 | nonce (12) | tag (16) | ciphertext</c>.
/// </summary>
public sealed class ChunkCipher
{
    /// <summary>The length of an operator key, in bytes (AES-256).</summary>
    public const int KeyBytes = 32;

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static ReadOnlySpan<byte> Magic => "DCE1"u8;

    private readonly byte[] _key;

    /// <summary>The cipher of <paramref name="scope"/> under <paramref name="operatorKey"/> (<see cref="KeyBytes"/> bytes).</summary>
    public ChunkCipher(ReadOnlySpan<byte> operatorKey, string scope)
    {
        if (operatorKey.Length != KeyBytes)
            throw new ArgumentException($"a chunk key is {KeyBytes} bytes, not {operatorKey.Length}", nameof(operatorKey));
        ArgumentException.ThrowIfNullOrEmpty(scope);
        Scope = scope;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, operatorKey.ToArray(), KeyBytes, salt: null, info: Encoding.UTF8.GetBytes("discovery/chunks/" + scope));
    }

    /// <summary>Whose chunks this cipher seals.</summary>
    public string Scope { get; }

    /// <summary>Whether <paramref name="file"/> is a sealed chunk file (a store written before encryption was on has plain ones).</summary>
    public static bool IsSealed(ReadOnlySpan<byte> file) => file.StartsWith(Magic);

    /// <summary>The sealed file for chunk <paramref name="id"/>'s stored (compressed) bytes.</summary>
    public byte[] Seal(ChunkId id, ReadOnlySpan<byte> stored)
    {
        var file = new byte[Magic.Length + NonceBytes + TagBytes + stored.Length];
        Magic.CopyTo(file);
        var nonce = file.AsSpan(Magic.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, stored, file.AsSpan(Magic.Length + NonceBytes + TagBytes), file.AsSpan(Magic.Length + NonceBytes, TagBytes), Associated(id));
        return file;
    }

    /// <summary>The stored (compressed) bytes of chunk <paramref name="id"/> from its sealed file.</summary>
    /// <exception cref="ChunkCorruptException">Not a sealed file, altered, sealed for another chunk or under another key.</exception>
    public byte[] Open(ChunkId id, ReadOnlySpan<byte> file, string source)
    {
        if (!IsSealed(file) || file.Length < Magic.Length + NonceBytes + TagBytes)
            throw new ChunkCorruptException(id, $"chunk {id} in {source} is not a sealed chunk file ({file.Length} bytes)");
        var body = file[(Magic.Length + NonceBytes + TagBytes)..];
        var stored = new byte[body.Length];
        try
        {
            using var aes = new AesGcm(_key, TagBytes);
            aes.Decrypt(file.Slice(Magic.Length, NonceBytes), body, file.Slice(Magic.Length + NonceBytes, TagBytes), stored, Associated(id));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new ChunkCorruptException(id, $"chunk {id} in {source} does not open with the key of scope '{Scope}': altered, sealed for another chunk, or under another operator key");
        }
        return stored;
    }

    private static byte[] Associated(ChunkId id) => Encoding.ASCII.GetBytes(id.Hex);

    /// <summary>
    /// Reads an operator key file: <see cref="KeyBytes"/> raw bytes, or their base64 on one line. Refuses a file that
    /// other users may read, as ssh does for private keys.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing, readable by others, or not a key; the message says which.</exception>
    public static byte[] ReadKeyFile(string path)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"chunk key file '{path}' does not exist (make one: head -c 32 /dev/urandom > '{path}' && chmod 600 '{path}')");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new InvalidOperationException($"chunk key file '{path}' is readable or writable by other users: chmod 600 '{path}'");
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length == KeyBytes)
            return bytes;
        try
        {
            var decoded = Convert.FromBase64String(Encoding.ASCII.GetString(bytes).Trim());
            if (decoded.Length == KeyBytes)
                return decoded;
        }
        catch (FormatException)
        {
        }
        throw new InvalidOperationException($"chunk key file '{path}' holds {bytes.Length} bytes: it must hold {KeyBytes} random bytes, raw or in base64");
    }
}
