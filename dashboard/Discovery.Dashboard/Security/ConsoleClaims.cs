using System.Security.Claims;
using Discovery.Abstractions.Security;

namespace Discovery.Dashboard.Security;

/// <summary>The claims a console user's cookie carries: name, role and session id — never the credential.</summary>
public static class ConsoleClaims
{
    /// <summary>The role of administrators, for <c>[Authorize(Roles = ConsoleClaims.Admin)]</c>.</summary>
    public const string Admin = "admin";

    /// <summary>The role of tenants.</summary>
    public const string Tenant = "tenant";

    /// <summary>The claim holding the server-side session's id.</summary>
    public const string Session = "discovery.console.session";

    /// <summary>The claims of a verified caller (and its session, when there is one).</summary>
    public static ClaimsIdentity For(Principal principal, string? session, string scheme)
    {
        List<Claim> claims = [new(ClaimTypes.Name, principal.Name), new(ClaimTypes.Role, principal.IsAdmin ? Admin : Tenant)];
        if (session is not null)
            claims.Add(new Claim(Session, session));
        return new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role);
    }

    /// <summary>The caller a console user's claims name, or null when they are not logged in.</summary>
    public static Principal? PrincipalOf(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, Name: { } name }
            ? new Principal(name, user.IsInRole(Admin) ? Role.Admin : Role.Tenant)
            : null;
}
