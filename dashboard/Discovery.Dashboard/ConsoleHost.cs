using Discovery.Client;
using Discovery.Abstractions.Security;
using Discovery.Dashboard.Components;
using Discovery.Dashboard.Security;
using Discovery.Dashboard.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MudBlazor.Services;

namespace Discovery.Dashboard;

/// <summary>Where and how the console listens.</summary>
/// <param name="Url">The address to listen on, e.g. <c>http://127.0.0.1:5080</c>.</param>
/// <param name="ClusterId">The cluster's id, shown in the app bar.</param>
public sealed record ConsoleSettings(string Url, string ClusterId)
{
    /// <summary>
    /// Whether the cluster requires credentials (so the console has a login page); null: ask the cluster at start
    /// (<c>WhoAmIAsync</c> answers null when it runs without security).
    /// </summary>
    public bool? Security { get; init; }

    /// <summary>How long a login lasts without a logout.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);
}

/// <summary>
/// Starts the console: a Blazor Server app that talks to the cluster through a <see cref="DiscoveryClient"/>. Used by
/// the silo process (embedded demo) and by anything that hosts the console. With security on, people log in with
/// their own API key or token and every call made for them carries it; the client given here (an administrator's
/// credential) only keeps the live feed (sites, coordinates, events) for the administrators' pages.
/// </summary>
public static class ConsoleHost
{
    /// <summary>Builds and starts the console; dispose the result to stop it.</summary>
    public static async Task<WebApplication> StartAsync(ConsoleSettings settings, DiscoveryClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(client);
        if (settings.SessionLifetime <= TimeSpan.Zero)
            throw new ArgumentException($"ConsoleSettings.SessionLifetime must be positive (got {settings.SessionLifetime})", nameof(settings));
        var security = new ConsoleSecurity(settings.Security ?? await AsksForCredentialsAsync(client, cancellationToken), settings.SessionLifetime);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Static assets (MudBlazor's, the console's) come from the build's manifest, also when run outside Development.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls(settings.Url);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Discovery", LogLevel.Information);

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton(client);
        builder.Services.AddConsoleAuthentication(security);
        // Per circuit: the calls a page makes carry its user's credential.
        builder.Services.AddScoped(sp => new ClusterView(client, sp.GetRequiredService<ConsoleUser>()) { ClusterId = settings.ClusterId });
        // The console's own work, with the client's credential: one live feed for all pages.
        builder.Services.AddSingleton(sp => new LiveFeed(client, new ClusterView(client, user: null), sp.GetRequiredService<ILogger<LiveFeed>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapConsoleLogout();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        await app.StartAsync(cancellationToken);
        return app;
    }

    // The cluster says who the console's client is: nobody (null) when it runs without security.
    private static async Task<bool> AsksForCredentialsAsync(DiscoveryClient client, CancellationToken cancellationToken)
    {
        try
        {
            return await client.Identity.WhoAmIAsync(cancellationToken) is not null;
        }
        catch (UnauthenticatedException)
        {
            return true;
        }
    }
}
