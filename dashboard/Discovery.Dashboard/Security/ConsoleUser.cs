using Discovery.Abstractions.Security;
using Microsoft.AspNetCore.Components.Authorization;

namespace Discovery.Dashboard.Security;

/// <summary>The user of one circuit (or one static page request): who they are and the credential their calls carry.</summary>
public sealed class ConsoleUser(AuthenticationStateProvider authentication, ConsoleSessions sessions, ConsoleSecurity security)
{
    /// <summary>True when the cluster requires credentials (and the console a login).</summary>
    public bool SecurityEnabled => security.Enabled;

    /// <summary>Who is logged in, or null.</summary>
    public async Task<Principal?> PrincipalAsync() =>
        ConsoleClaims.PrincipalOf((await authentication.GetAuthenticationStateAsync()).User);

    /// <summary>True when the user is an administrator (everyone, when security is off).</summary>
    public async Task<bool> IsAdminAsync() => (await PrincipalAsync())?.IsAdmin == true;

    /// <summary>
    /// The credential calls for this user carry: null when security is off; else the one entered at login, or an
    /// <see cref="UnauthenticatedException"/> once the session has ended — never the console's own credential.
    /// </summary>
    public async Task<string?> CredentialAsync()
    {
        if (!security.Enabled)
            return null;
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return sessions.Find(user.FindFirst(ConsoleClaims.Session)?.Value)?.Credential
            ?? throw new UnauthenticatedException("your console session has ended (logged out, expired, or the console restarted): log in again");
    }
}
