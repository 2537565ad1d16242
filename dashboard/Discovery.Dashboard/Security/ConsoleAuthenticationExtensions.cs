using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Discovery.Dashboard.Security;

/// <summary>Who may use the console: a login page and cookie sessions with security on, everyone as administrator with it off.</summary>
public static class ConsoleAuthenticationExtensions
{
    /// <summary>Where the login page is.</summary>
    public const string LoginPath = "/login";

    /// <summary>Where a logout is posted.</summary>
    public const string LogoutPath = "/logout";

    /// <summary>Where a tenant who asked for an administrators' page lands.</summary>
    public const string DeniedPath = "/denied";

    /// <summary>Registers sessions, the login and the authentication scheme that fits <paramref name="security"/>.</summary>
    public static IServiceCollection AddConsoleAuthentication(this IServiceCollection services, ConsoleSecurity security)
    {
        services.AddSingleton(security);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ConsoleSessions>();
        services.AddSingleton<ConsoleLogin>();
        services.AddScoped<ConsoleUser>();
        services.AddCascadingAuthenticationState();
        services.AddAuthorization();
        // Sessions live in this process's memory, so keys that do too are enough: a restart ends both.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        if (!security.Enabled)
        {
            services.AddAuthentication(OpenAccessHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, OpenAccessHandler>(OpenAccessHandler.SchemeName, null);
            return services;
        }
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = LoginPath;
            o.LogoutPath = LogoutPath;
            o.AccessDeniedPath = DeniedPath;
            o.Cookie.Name = "discovery.console";
            o.Cookie.HttpOnly = true;
            // Lax: a link from elsewhere still opens the console logged in, but no other site's form can post with it
            // (so a forged logout names no session; the circuit's own actions travel over its websocket).
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = security.SessionLifetime;
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = async context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<ConsoleSessions>();
                if (sessions.Find(context.Principal?.FindFirst(ConsoleClaims.Session)?.Value) is not null)
                    return;
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            };
        });
        return services;
    }

    /// <summary>Maps the logout: ends the server-side session, deletes the cookie, goes back to the login page.</summary>
    public static IEndpointRouteBuilder MapConsoleLogout(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(LogoutPath, async (HttpContext http, ConsoleSessions sessions, ConsoleSecurity security) =>
        {
            if (!security.Enabled)
                return Results.LocalRedirect("~/");
            sessions.Close(http.User.FindFirst(ConsoleClaims.Session)?.Value);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect($"~{LoginPath}");
        });
        return endpoints;
    }
}
