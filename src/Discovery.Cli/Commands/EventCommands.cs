using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Discovery.Abstractions.Events;

namespace Discovery.Cli.Commands;

/// <summary><c>events --follow</c>: the infrastructure's events as they happen.</summary>
public static class EventCommands
{
    public static Command Create(Func<ParseResult, CliContext> context)
    {
        var sites = new Option<string[]>("--site") { Description = "Only these sites (repeat the option); default: every site", AllowMultipleArgumentsPerToken = true };
        var follow = new Option<bool>("--follow") { Description = "Keep printing events until Ctrl+C (or --count/--for)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many events" };
        var duration = new Option<double?>("--for") { Description = "Stop after this many seconds" };
        var command = new Command("events", "Print node, status, VM and drain events as they happen (there is no history: use --follow)") { sites, follow, count, duration };
        command.Validators.Add(r =>
        {
            if (!r.GetValue(follow))
                r.AddError("events are a live feed with no history: add --follow (and --count N or --for SECONDS to stop on your own)");
        });
        command.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var client = await cli.ClientAsync(ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (parse.GetValue(duration) is { } seconds)
                limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            var wanted = parse.GetValue(sites) is { Length: > 0 } s ? s : null;
            var left = parse.GetValue(count);
            try
            {
                await foreach (var e in client.Events.WatchAsync(wanted, cancellationToken: limit.Token))
                {
                    cli.Out.Print(e, _ => Line(e));
                    if (left is not null && --left <= 0)
                        break;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
            return 0;
        });
        return command;
    }

    private static Output.Table Line(DiscoveryEvent e) =>
        new Output.Table("TIME", "SITE", "EVENT").Row(e.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture), e.Site, Describe(e));

    private static string Describe(DiscoveryEvent e) => e switch
    {
        NodeJoined j => $"{j.Node} joined",
        NodeLeft l => $"{l.Node} left",
        NodeUnreachable u => $"{u.Node} unreachable: {u.Reason}",
        NodeStatusChanged s => $"{s.Node} is {s.Status}",
        VmStateChanged v => $"{v.Vm}: {v.From} -> {v.To}" + (v.Node is null ? "" : $" on {v.Node}") + (v.Detail is null ? "" : $" ({v.Detail})"),
        NodeDrainProgress d => $"drain of {d.Node} {d.Done}/{d.Total}: {d.Message}",
        NeighboursChanged n => $"{n.Cause}: {string.Join(", ", n.Nodes)}",
        SchedulingStepped s => $"scheduling of {s.Node} {s.Step}: {s.Detail}",
        VmFenced f => $"{f.Node} destroyed its stale copy of {f.Vm} (now on {f.Owner})",
        _ => JsonSerializer.Serialize<object>(e),
    };
}
