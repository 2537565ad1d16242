using Discovery.Abstractions.Security;
using Microsoft.Extensions.Options;

namespace Discovery.Grains.Security;

/// <summary>
/// The silo's gate for calls from clients: verifies the credential the SDK put in the request context, applies
/// <see cref="ClientAccess"/>, and passes the verified caller on in <see cref="SecurityContext.PrincipalKey"/>.
/// Calls between grains, and from the silo's own hosted client, are the cluster's own work and pass untouched.
/// </summary>
public sealed class SecurityCallFilter(IOptions<SecurityOptions> options, CredentialVerifier verifier, AuditTrail audit) : IIncomingGrainCallFilter
{
    /// <inheritdoc />
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (!options.Value.Enabled || !CallOrigin.IsExternalClient(context.SourceId))
        {
            await context.Invoke();
            return;
        }
        // Only the silo vouches for a caller: whatever a client put under the principal key goes.
        RequestContext.Remove(SecurityContext.PrincipalKey);
        var rule = ClientAccess.For(context.InterfaceMethod);
        if (rule is null)
        {
            await context.Invoke();
            return;
        }
        var operation = $"{context.InterfaceMethod.DeclaringType!.Name}.{context.InterfaceMethod.Name} on {context.TargetId.Key}";
        Principal caller;
        try
        {
            // Internal calls are refused before the credential is checked: checking it may call the very grain targeted.
            if (rule == ClientAccess.Internal)
                throw new ForbiddenException(await DescribeAsync(), operation, ClientAccess.Internal.Check(null!, context)!);
            caller = await verifier.VerifyAsync(RequestContext.Get(SecurityContext.CredentialKey) as string);
        }
        catch (UnauthenticatedException e)
        {
            await audit.RefusedAsync("anonymous", operation, e.Message);
            throw;
        }
        catch (ForbiddenException e)
        {
            await audit.RefusedAsync(e.Caller, operation, e.Reason);
            throw;
        }
        if (rule.Check(caller, context) is { } reason)
        {
            await audit.RefusedAsync(caller.ToString(), operation, reason);
            throw new ForbiddenException(caller.ToString(), operation, reason);
        }
        // The secret has done its job: the grains, and the calls they make, see only the verified caller.
        RequestContext.Remove(SecurityContext.CredentialKey);
        RequestContext.Set(SecurityContext.PrincipalKey, caller);
        await context.Invoke();
    }

    // Who an internal call came from, for the audit log, without failing when the credential is bad.
    private async Task<string> DescribeAsync()
    {
        try
        {
            return (await verifier.VerifyAsync(RequestContext.Get(SecurityContext.CredentialKey) as string)).ToString();
        }
        catch (UnauthenticatedException)
        {
            return "anonymous";
        }
    }
}

/// <summary>Tells calls from clients outside the cluster from the cluster's own calls.</summary>
public static class CallOrigin
{
    // Orleans' hosted client (what silo code outside a grain, e.g. a startup task, calls through) has a client id
    // "hosted-<silo>"; every other client id is an external client connected through a gateway.
    private const string HostedClientPrefix = "hosted-";

    /// <summary>True when <paramref name="source"/> is a client connected through a gateway (or unknown).</summary>
    public static bool IsExternalClient(GrainId? source)
    {
        if (source is not { } id)
            return true;
        if (!GrainTypePrefix.IsClient(id))
            return false;
        return !id.Key.ToString()!.StartsWith(HostedClientPrefix, StringComparison.Ordinal);
    }
}
