using System.Text.Encodings.Web;
using Discovery.Abstractions.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Discovery.Dashboard.Security;

/// <summary>
/// For a cluster running without security: every visitor is an administrator, as the cluster itself treats every
/// client. The console shows a "security off" banner instead of a login page.
/// </summary>
public sealed class OpenAccessHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "security-off";

    /// <summary>Who a visitor is when security is off.</summary>
    public static readonly Principal Visitor = new("administrator", Role.Admin);

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
        Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new(ConsoleClaims.For(Visitor, null, Scheme.Name)), Scheme.Name)));
}
