using System.Collections.Concurrent;
using System.Security.Cryptography;
using Discovery.Abstractions.Security;

namespace Discovery.Dashboard.Security;

/// <summary>One logged-in user of the console: who the cluster said they are, and the credential their calls carry.</summary>
/// <param name="Id">The session's id: random, the only thing the browser's cookie holds.</param>
/// <param name="Principal">The caller as the cluster verified it at login.</param>
/// <param name="Credential">The API key or token entered at login; it never leaves the console's memory.</param>
/// <param name="Until">When the session ends even without a logout.</param>
public sealed record ConsoleSession(string Id, Principal Principal, string Credential, DateTimeOffset Until);

/// <summary>
/// The console's logged-in users, kept server-side: the browser holds only a session id (in an encrypted, HTTP-only
/// cookie), so a credential is never sent back to a browser. Logging out, or restarting the console, ends sessions.
/// </summary>
public sealed class ConsoleSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>Opens a session for a verified caller and its credential.</summary>
    public ConsoleSession Open(Principal principal, string credential, TimeSpan lifetime)
    {
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        var session = new ConsoleSession(id, principal, credential, time.GetUtcNow() + lifetime);
        _sessions[id] = session;
        return session;
    }

    /// <summary>The session with this id, or null when there is none (logged out, expired, or from before a restart).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (id is null || !_sessions.TryGetValue(id, out var session))
            return null;
        if (session.Until > time.GetUtcNow())
            return session;
        _sessions.TryRemove(id, out _);
        return null;
    }

    /// <summary>Ends a session; its cookie, and every circuit opened with it, no longer act for anyone.</summary>
    public void Close(string? id)
    {
        if (id is not null)
            _sessions.TryRemove(id, out _);
    }
}
