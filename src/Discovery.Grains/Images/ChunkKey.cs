using Discovery.Images;

namespace Discovery.Grains.Images;

/// <summary>
/// What names a stored chunk: its content hash, and the tenant it belongs to when that tenant's chunks are kept apart
/// (<see cref="CrossTenantDedup"/>). Written <c>HASH</c> for a shared chunk, <c>TENANT/HASH</c> for a tenant's own:
/// the key of its <see cref="ImageChunkGrain"/>, the id in a stored manifest, the id chunk stores are asked for.
/// </summary>
/// <param name="Tenant">The owning tenant, or null for a chunk any tenant's import may share.</param>
/// <param name="Hash">The content hash, which the bytes are verified against.</param>
public sealed record ChunkKey(string? Tenant, ChunkId Hash)
{
    /// <summary>Parses <c>HASH</c> or <c>TENANT/HASH</c>; throws <see cref="FormatException"/> naming the bad text.</summary>
    public static ChunkKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        if (slash < 0)
            return new ChunkKey(null, ChunkId.Parse(text));
        var tenant = text[..slash];
        if (ValidateTenant(tenant) is { } problem)
            throw new FormatException($"chunk key '{text}': {problem}");
        return new ChunkKey(tenant, ChunkId.Parse(text[(slash + 1)..]));
    }

    /// <summary>The key of <paramref name="hash"/> (hex) in <paramref name="tenant"/>'s scope, or shared when null.</summary>
    public static ChunkKey In(string? tenant, string hash) =>
        tenant is not null && ValidateTenant(tenant) is { } problem
            ? throw new ArgumentException(problem, nameof(tenant))
            : new ChunkKey(tenant, ChunkId.Parse(hash));

    /// <inheritdoc />
    public override string ToString() => Tenant is null ? Hash.Hex : $"{Tenant}/{Hash.Hex}";

    // A tenant scope names a directory of the chunk store: the characters of a tenant name only.
    private static string? ValidateTenant(string tenant) =>
        tenant.Length > 0 && tenant.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? null
            : $"'{tenant}' is not a tenant name (letters, digits, '-' and '_')";
}
