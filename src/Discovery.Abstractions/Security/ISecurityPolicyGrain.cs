namespace Discovery.Abstractions.Security;

/// <summary>
/// The security policy attached to a tenant (key <c>tenant</c>) or to one of its VEs (key <c>tenant/ve</c>), kept as the
/// text its owner wrote (YAML; see docs/security.md). Every placement, relocation, scheduler move and image replication
/// of the tenant is checked against it.
/// </summary>
[Alias("discovery.security-policy")]
public interface ISecurityPolicyGrain : IGrainWithStringKey
{
    /// <summary>Attaches <paramref name="text"/> (null detaches); refuses a policy that does not parse, naming line and column.</summary>
    [Alias("set")]
    Task SetAsync(string? text);

    /// <summary>The attached policy's text, or null.</summary>
    [Alias("get")]
    Task<string?> GetAsync();
}

/// <summary>A policy refused a placement or a move; the message names the policy, whose it is, the clause and its line.</summary>
[GenerateSerializer, Alias("discovery.policy-violation")]
public sealed class PolicyViolationException(string message) : InvalidOperationException(message);
