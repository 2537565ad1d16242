using Discovery.Client;
using Discovery.Dashboard.Components;
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
public sealed record ConsoleSettings(string Url, string ClusterId);

/// <summary>
/// Starts the administrators' console: a Blazor Server app that talks to the cluster through
/// a <see cref="DiscoveryClient"/>. Used by the silo process (embedded demo) and by anything that hosts the console.
/// </summary>
public static class ConsoleHost
{
    /// <summary>Builds and starts the console; dispose the result to stop it.</summary>
    public static async Task<WebApplication> StartAsync(ConsoleSettings settings, DiscoveryClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(client);
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
        builder.Services.AddSingleton(new ClusterView(client) { ClusterId = settings.ClusterId });
        builder.Services.AddSingleton<LiveFeed>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());

        var app = builder.Build();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        await app.StartAsync(cancellationToken);
        return app;
    }
}
