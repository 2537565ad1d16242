using Discovery.Abstractions.Security;
using Discovery.Client;

namespace Discovery.Dashboard.Security;

/// <summary>The outcome of a login: a session, or what was wrong, in words fit for the login page.</summary>
public sealed record LoginResult(ConsoleSession? Session, string? Problem);

/// <summary>Checks a credential by asking the cluster who it is (the silo verifies it), and opens a session for it.</summary>
public sealed class ConsoleLogin(DiscoveryClient client, ConsoleSessions sessions, ConsoleSecurity security)
{
    /// <summary>Logs in with <paramref name="credential"/> (an API key or a signed token).</summary>
    public async Task<LoginResult> LogInAsync(string? credential)
    {
        credential = credential?.Trim();
        if (string.IsNullOrEmpty(credential))
            return new(null, "Enter an API key (dsk_…) or a token.");
        Principal? principal;
        try
        {
            // A facade that carries only this credential: the console's own never stands in for it.
            principal = await DiscoveryClient.Attach(client.Grains, credential: credential).Identity.WhoAmIAsync();
        }
        catch (UnauthenticatedException e)
        {
            return new(null, $"The cluster refused this credential: {e.Message}.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new(null, $"The cluster could not check the credential: {e.GetBaseException().Message}");
        }
        if (principal is null)
            return new(null, "The cluster runs without security, so it cannot tell who this credential is: restart the console.");
        return new(sessions.Open(principal, credential, security.SessionLifetime), null);
    }
}
