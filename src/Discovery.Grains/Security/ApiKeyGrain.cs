using Discovery.Abstractions.Security;

namespace Discovery.Grains.Security;

/// <summary>One API key's stored hash, who it speaks for and whether it still works.</summary>
public sealed class ApiKeyGrain(
    [PersistentState("api-key", StorageNames.State)] IPersistentState<ApiKeyState> state,
    TimeProvider time) : Grain, IApiKeyGrain
{
    /// <inheritdoc />
    public async Task StoreAsync(StoredApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (state.State.Key is not null)
            throw new InvalidOperationException($"API key id {this.GetPrimaryKeyString()} is taken");
        state.State.Key = key;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<VerifiedKey?> VerifyAsync(string secret)
    {
        var key = state.State.Key;
        var valid = key is not null && !state.State.Revoked && (key.ExpiresAt is not { } expires || expires > time.GetUtcNow())
            && ApiKeys.Matches(key, secret);
        return Task.FromResult(valid ? new VerifiedKey(key!.Principal, key.ExpiresAt) : null);
    }

    /// <inheritdoc />
    public async Task<bool> RevokeAsync()
    {
        if (state.State.Key is null)
            return false;
        if (state.State.Revoked)
            return true;
        state.State.Revoked = true;
        await state.WriteStateAsync();
        return true;
    }
}

/// <summary>What is stored of an API key.</summary>
[GenerateSerializer, Alias("discovery.api-key-state")]
public sealed class ApiKeyState
{
    /// <summary>The key's hash and principal; null when no key has this id.</summary>
    [Id(0)] public StoredApiKey? Key { get; set; }

    /// <summary>True once revoked.</summary>
    [Id(1)] public bool Revoked { get; set; }
}
