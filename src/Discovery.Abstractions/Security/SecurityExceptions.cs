namespace Discovery.Abstractions.Security;

/// <summary>
/// The caller is known but may not do what it asked: the message says who asked, for what, and why it was refused.
/// Every refusal is also written to the audit log.
/// </summary>
[GenerateSerializer, Alias("discovery.forbidden")]
public sealed class ForbiddenException : UnauthorizedAccessException
{
    /// <summary>A refusal of <paramref name="operation"/> to <paramref name="caller"/> because of <paramref name="reason"/>.</summary>
    public ForbiddenException(string caller, string operation, string reason)
        : base($"forbidden: {caller} may not {operation}: {reason}") => (Caller, Operation, Reason) = (caller, operation, reason);

    /// <summary>Who asked (<c>tenant:acme</c>, <c>admin:ops</c>).</summary>
    [Id(0)] public string Caller { get; }

    /// <summary>What was asked (<c>IVeGrain.DeployAsync on acme/shop</c>).</summary>
    [Id(1)] public string Operation { get; }

    /// <summary>Why it was refused.</summary>
    [Id(2)] public string Reason { get; }
}

/// <summary>The call carried no credential, or one the cluster cannot accept (unknown, revoked, expired, forged).</summary>
[GenerateSerializer, Alias("discovery.unauthenticated")]
public sealed class UnauthenticatedException(string message) : UnauthorizedAccessException(message);
