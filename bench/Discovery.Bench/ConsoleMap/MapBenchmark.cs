using System.Diagnostics;
using Discovery.Abstractions.Coordinates;
using Discovery.Dashboard.Components.Shared;
using Discovery.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using MudBlazor.Services;

namespace Discovery.Bench.ConsoleMap;

/// <summary>
/// How heavy the console's coordinate map is with many nodes: the server's work per redraw (projection and
/// rendering of the SVG component), the markup sent, and — when Debian's Chromium is installed — how long the browser
/// takes to lay out and paint it.
/// </summary>
public static class MapBenchmark
{
    private const string Chromium = "/usr/bin/chromium";

    public static async Task RunAsync(int nodes, int seed, TextWriter output)
    {
        var coordinates = Coordinates(nodes, seed);
        var vectors = coordinates.Values.Select(c => c.Vector).ToList();

        var projection = Time(5, () => MapProjection.Project(vectors));
        await using var renderer = new HtmlRenderer(new ServiceCollection().AddLogging().AddMudServices().BuildServiceProvider(), NullLoggerFactory.Instance);
        var html = "";
        var render = await TimeAsync(5, async () => html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<CoordinateMap>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(CoordinateMap.Coordinates)] = coordinates,
            }))).ToHtmlString()));

        output.WriteLine($"Coordinate map, {nodes} nodes (8 dimensions, {Sites} sites), median of 5:");
        output.WriteLine();
        output.WriteLine("| step | time |");
        output.WriteLine("|---|---:|");
        output.WriteLine($"| projection to 2-D (server) | {projection:0.0} ms |");
        output.WriteLine($"| component render to HTML (server) | {render:0.0} ms |");
        output.WriteLine($"| SVG markup | {html.Length / 1024.0:0} KiB |");
        if (File.Exists(Chromium))
            output.WriteLine($"| layout and paint in Chromium | {await BrowserPaintAsync(html):0.0} ms |");
        else
            output.WriteLine($"| layout and paint in Chromium | not measured: {Chromium} is missing |");
    }

    private const int Sites = 40;

    // Nodes in clusters, as real sites make them: a site centre plus a little spread, and an access-link height.
    private static Dictionary<string, NodeCoordinate> Coordinates(int nodes, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, Sites).Select(_ => Enumerable.Range(0, 8).Select(_ => random.NextDouble() * 100 - 50).ToArray()).ToArray();
        return Enumerable.Range(0, nodes).ToDictionary(
            i => $"site{i % Sites}/node-{i / Sites + 1}",
            i => new NodeCoordinate(centres[i % Sites].Select(x => x + random.NextDouble() * 2 - 1).ToList(), random.NextDouble() * 5, random.NextDouble()));
    }

    // Puts the markup in a page and waits for two animation frames: the browser has then laid out and painted it.
    private static async Task<double> BrowserPaintAsync(string svg)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        await page.SetContentAsync("<html><body style='margin:0'><div id='map' style='width:1200px;height:700px'></div></body></html>");
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            times.Add(await page.EvaluateAsync<double>("""
                async svg => {
                    const map = document.getElementById('map');
                    map.innerHTML = '';
                    const start = performance.now();
                    map.innerHTML = svg;
                    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
                    return performance.now() - start;
                }
                """, svg));
        }
        return Median(times);
    }

    private static double Time(int runs, Action action) =>
        Median(Enumerable.Range(0, runs).Select(_ =>
        {
            var watch = Stopwatch.StartNew();
            action();
            return watch.Elapsed.TotalMilliseconds;
        }).ToList());

    private static async Task<double> TimeAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
