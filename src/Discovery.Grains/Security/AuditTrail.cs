using Discovery.Abstractions.Security;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Security;

/// <summary>
/// Where refusals go: the structured log category <c>Discovery.Audit</c> (every one) and the audit grain, which
/// administrators query (the most recent <see cref="SecurityOptions.AuditCapacity"/>).
/// </summary>
public sealed class AuditTrail(IGrainFactory grains, ILoggerFactory loggers, TimeProvider time)
{
    /// <summary>The log category of refusals.</summary>
    public const string Category = "Discovery.Audit";

    private readonly ILogger _log = loggers.CreateLogger(Category);

    /// <summary>Records that <paramref name="caller"/> was refused <paramref name="operation"/> because of <paramref name="reason"/>.</summary>
    public async Task RefusedAsync(string caller, string operation, string reason)
    {
        _log.LogWarning("Refused {Caller}: {Operation}: {Reason}", caller, operation, reason);
        try
        {
            await grains.GetGrain<IAuditGrain>(0).AppendAsync(new AuditEntry(time.GetUtcNow(), caller, operation, reason));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The refusal stands even when the audit grain cannot be reached; the log above has it.
            _log.LogError("Could not store the refusal of {Caller} in the audit grain: {Problem}", caller, e.Message);
        }
    }
}
