using Discovery.Abstractions.Security;

namespace Discovery.Client;

/// <summary>Every facade call goes through here: the caller's credential, a time limit, the caller's cancellation, and clear errors.</summary>
internal sealed class Calls(TimeSpan timeout, string? credential = null)
{
    /// <summary>The time limit of one call.</summary>
    public TimeSpan Timeout => timeout;

    /// <summary>The credential every facade call carries, if the facade was given one.</summary>
    public string? Credential => credential;

    /// <summary>
    /// Awaits <paramref name="call"/> for at most <see cref="Timeout"/>, or until <paramref name="cancellationToken"/>
    /// fires. The cluster may still finish what it was asked: operations that take a request id can be retried with the
    /// same id to learn their outcome.
    /// </summary>
    public async Task<T> RunAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await WithCredential(call).WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not answer within {timeout.TotalSeconds:0.#} s; it may still complete " +
                                       "(retry with the same request id to learn its outcome), or raise DiscoveryClientOptions.CallTimeout");
        }
        catch (Exception e) when (IsShedding(e))
        {
            throw new ClusterBusyException($"busy: {what} was refused because the cluster is shedding load ({Reason(e)}); " +
                                           "nothing was done, retry in a moment", e);
        }
    }

    // Orleans refuses a call at once when the target grain's queue is full, or when the gateway's silo is overloaded.
    private static bool IsShedding(Exception e) => e is LimitExceededException or GatewayTooBusyException;

    private static string Reason(Exception e) => e is GatewayTooBusyException
        ? "the gateway's silo is above its CPU threshold"
        : "too many calls are already waiting for the same VE, VM or node";

    // Set inside an async method, the credential flows into every grain call the facade makes for this call and
    // goes away with it: the caller's own request context is left as it was.
    private async Task<T> WithCredential<T>(Func<Task<T>> call)
    {
        if (credential is not null)
            RequestContext.Set(SecurityContext.CredentialKey, credential);
        return await call();
    }

    /// <inheritdoc cref="RunAsync{T}"/>
    public Task RunAsync(string what, Func<Task> call, CancellationToken cancellationToken) =>
        RunAsync(what, async () =>
        {
            await call();
            return true;
        }, cancellationToken);

    /// <summary>A fresh request id when the caller gave none.</summary>
    public static string RequestId(string? given) => string.IsNullOrWhiteSpace(given) ? $"sdk-{Guid.NewGuid():N}" : given;
}
