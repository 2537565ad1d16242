using System.CommandLine;
using Discovery.Cli.Output;

namespace Discovery.Cli.Commands;

/// <summary><c>sites</c>, <c>nodes</c>, <c>nodes nearest</c> and <c>node drain|maintenance|up</c>.</summary>
public static class InfrastructureCommands
{
    public static IEnumerable<Command> Create(Func<ParseResult, CliContext> context)
    {
        var sites = new Command("sites", "List the sites (PoPs) and their silos");
        sites.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var list = await (await cli.ClientAsync(ct)).Nodes.SitesAsync(ct);
            cli.Out.Print(list, l => l.Aggregate(new Table("SITE", "SILOS UP", "SILOS DOWN", "LATITUDE", "LONGITUDE"),
                (t, s) => t.Row(s.Name, s.SilosUp.Count, s.SilosDown.Count, Printer.Number(s.Latitude, "0.00"), Printer.Number(s.Longitude, "0.00"))));
            return 0;
        });

        var site = new Option<string?>("--site") { Description = "Only the nodes of this site" };
        var nodes = new Command("nodes", "List nodes with their capacity, allocation and status") { site };
        nodes.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var list = await (await cli.ClientAsync(ct)).Nodes.ListAsync(parse.GetValue(site), ct);
            cli.Out.Print(list, l => l.Aggregate(new Table("NODE", "STATUS", "VCPUS", "MEMORY MIB", "FREE VCPUS", "FREE MEMORY MIB"),
                (t, n) => t.Row(n.Node, n.Status, $"{n.Allocated.Vcpus}/{n.Capacity.Vcpus}", $"{n.Allocated.MemoryMiB}/{n.Capacity.MemoryMiB}", n.Free.Vcpus, n.Free.MemoryMiB)));
            return 0;
        });

        var target = new Argument<string>("target") { Description = "A site (lyon), a node (lyon/node-2) or a coordinate (x,y,… in ms)" };
        var k = new Option<int>("-k") { Description = "How many nodes", DefaultValueFactory = _ => 10 };
        var nearest = new Command("nearest", "The k nodes nearest a site, a node or a coordinate (spiral search)") { target, k };
        nearest.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var found = await (await cli.ClientAsync(ct)).Nodes.NearestAsync(Targets.Parse(parse.GetValue(target)!), parse.GetValue(k), cancellationToken: ct);
            cli.Out.Print(found, f => f.Nodes.Aggregate(new Table("NODE", "EST. RTT MS", "COORDINATE ERROR"),
                (t, n) => t.Row(n.Node, Printer.Number(n.RttMs), Printer.Number(n.Coordinate.Error, "0.00"))));
            cli.Out.Say($"({found.Messages} messages)");
            return 0;
        });
        nodes.Subcommands.Add(nearest);

        var node = new Command("node", "Operate a node: drain, maintenance, up");
        node.Subcommands.Add(NodeAction(context, "drain", "Stop placing VMs on the node and move its VMs away (each through its VE)", DrainAsync));
        node.Subcommands.Add(NodeAction(context, "maintenance", "Stop placing VMs on the node; it keeps the ones it has",
            async (cli, id, ct) => Status(cli, await (await cli.ClientAsync(ct)).Nodes.MaintenanceAsync(id, ct))));
        node.Subcommands.Add(NodeAction(context, "up", "Let the node take VMs again",
            async (cli, id, ct) => Status(cli, await (await cli.ClientAsync(ct)).Nodes.UpAsync(id, ct))));
        return [sites, nodes, node];
    }

    private static Command NodeAction(Func<ParseResult, CliContext> context, string name, string description, Func<CliContext, string, CancellationToken, Task<int>> run)
    {
        var id = new Argument<string>("node") { Description = "The node, as site/name" };
        var command = new Command(name, description) { id };
        command.SetAction((parse, ct) => run(context(parse), parse.GetValue(id)!, ct));
        return command;
    }

    private static int Status(CliContext cli, Abstractions.Nodes.NodeInfo info)
    {
        cli.Out.Print(info, i => new Table("NODE", "STATUS", "VMS").Row(i.Id, i.Status, i.Vms?.Count ?? 0));
        return 0;
    }

    // Shows each VM's move as it happens (from the site's event stream), then the report.
    private static async Task<int> DrainAsync(CliContext cli, string node, CancellationToken ct)
    {
        var client = await cli.ClientAsync(ct);
        var site = Abstractions.Nodes.NodeId.TryParse(node, out var parsed, out _) ? parsed.Site : null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var progress = site is null ? Task.CompletedTask : Task.Run(async () =>
        {
            try
            {
                await foreach (var e in client.Events.WatchAsync([site], cancellationToken: stop.Token))
                {
                    if (e is Abstractions.Events.NodeDrainProgress p && p.Node == node)
                        cli.Out.Progress($"drain {p.Done}/{p.Total}: {p.Message}");
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        try
        {
            var report = await client.Nodes.DrainAsync(node, cancellationToken: ct);
            cli.Out.Print(report, r => r.Vms.Aggregate(new Table("VM", "MOVED TO", "PROBLEM"), (t, v) => t.Row(v.Vm, v.To, v.Problem)));
            return report.Complete ? 0 : 1;
        }
        finally
        {
            await stop.CancelAsync();
            await progress;
        }
    }
}
