using Discovery.Abstractions.Security;
using Discovery.Placement.Policies;

namespace Discovery.Grains.Security;

/// <summary>The policy text attached to a tenant or a VE; it parses before it is kept.</summary>
public sealed class SecurityPolicyGrain(
    [PersistentState("policy", StorageNames.State)] IPersistentState<SecurityPolicyState> state) : Grain, ISecurityPolicyGrain
{
    /// <inheritdoc />
    public async Task SetAsync(string? text)
    {
        if (text is not null)
        {
            try
            {
                PolicyParser.Parse(text);
            }
            catch (PolicyParseException e)
            {
                throw new ArgumentException($"policy of {this.GetPrimaryKeyString()}: {e.Message}", nameof(text));
            }
        }
        state.State.Text = text;
        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<string?> GetAsync() => Task.FromResult(state.State.Text);
}

/// <summary>A stored policy.</summary>
[GenerateSerializer, Alias("discovery.security-policy-state")]
public sealed class SecurityPolicyState
{
    /// <summary>The policy as written, or null.</summary>
    [Id(0)] public string? Text { get; set; }
}
