using System.CommandLine;
using Discovery.Abstractions.Environments;
using Discovery.Cli.Output;
using Discovery.Client;

namespace Discovery.Cli.Commands;

/// <summary><c>ve create|deploy|ls|show|suspend|resume|start|stop|repair|rm|relocate</c> and <c>vm ls|show|load</c>.</summary>
public static class VeCommands
{
    public static IEnumerable<Command> Create(Func<ParseResult, CliContext> context)
    {
        var ve = new Command("ve", "Virtual environments: create from a spec file, deploy, operate, relocate");

        var file = new Option<FileInfo>("--file", "-f") { Description = "The VE spec (YAML, or JSON when it ends in .json)", Required = true };
        var name = new Option<string?>("--name") { Description = "The VE's name (default: the file's name without extension)" };
        var create = new Command("create", "Record a VE from a spec file") { file, name };
        create.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var path = parse.GetValue(file)!;
            var spec = VeSpecFile.Load(path.FullName);
            var id = cli.Ve(parse.GetValue(name) ?? Path.GetFileNameWithoutExtension(path.Name));
            var info = await (await cli.ClientAsync(ct)).VirtualEnvironments.CreateAsync(id, spec, cancellationToken: ct);
            Show(cli, info);
            return 0;
        });

        var near = new Option<string?>("--near") { Description = "A site (lyon), a node (lyon/node-2) or a coordinate (x,y,…); default: the spec's, else near you" };
        var maxRtt = new Option<double?>("--max-rtt") { Description = "The largest RTT (ms) any VM may be from where it is wanted" };
        var deployed = VeArgument();
        var deploy = new Command("deploy", "Place and start every VM of a VE, near a locality") { deployed, near, maxRtt };
        deploy.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var id = cli.Ve(parse.GetValue(deployed)!);
            var locality = parse.GetValue(near) is { } text ? Targets.Locality(text, parse.GetValue(maxRtt)) : null;
            var client = await cli.ClientAsync(ct);
            var info = await WithProgressAsync(cli, client, id, () => client.VirtualEnvironments.DeployAsync(id, locality, cancellationToken: ct), ct);
            Show(cli, info);
            return 0;
        });

        var filter = new Option<string?>("--filter") { Description = "Only VEs whose id contains this" };
        var all = new Option<bool>("--all-tenants") { Description = "Every tenant's VEs, not only --tenant's" };
        var ls = new Command("ls", "List VEs") { filter, all };
        ls.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var client = await cli.ClientAsync(ct);
            var prefix = parse.GetValue(all) ? "" : $"{cli.Tenant}/";
            var page = await client.VirtualEnvironments.ListAsync(prefix + (parse.GetValue(filter) ?? ""), 0, 500, ct);
            var infos = await Task.WhenAll(page.Ves.Where(v => v.StartsWith(prefix, StringComparison.Ordinal))
                .Select(v => client.VirtualEnvironments.LocateAsync(v, ct)));
            cli.Out.Print(infos, list => list.Aggregate(new Table("VE", "STATUS", "VMS", "SITES", "NEAR"),
                (t, i) => t.Row(i.Id, i.Status, i.Vms.Count, string.Join(",", i.Vms.Select(v => v.Site).OfType<string>().Distinct().Order()), i.Requester)));
            return 0;
        });

        var shown = VeArgument();
        var show = new Command("show", "Where each VM of a VE is, its state and its RTT estimate") { shown };
        show.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            Show(cli, await LocateAsync(cli, parse.GetValue(shown)!, ct));
            return 0;
        });

        var networked = VeArgument();
        var network = new Command("network", "The VE's private network: subnet, VXLAN id and each VM's address") { networked };
        network.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var id = (await LocateAsync(cli, parse.GetValue(networked)!, ct)).Id;
            var net = await (await cli.ClientAsync(ct)).VirtualEnvironments.NetworkAsync(id, ct);
            cli.Out.Print(net, n =>
            {
                cli.Out.Say($"VE {n.Ve}: subnet {n.Subnet}, gateway {n.Gateway}, VXLAN {n.Vni}");
                return n.Addresses.OrderBy(a => a.Key, StringComparer.Ordinal).Aggregate(new Table("VM", "ADDRESS"), (t, a) => t.Row(a.Key, a.Value));
            });
            return 0;
        });

        ve.Subcommands.Add(create);
        ve.Subcommands.Add(deploy);
        ve.Subcommands.Add(network);
        ve.Subcommands.Add(ls);
        ve.Subcommands.Add(show);
        ve.Subcommands.Add(Operation(context, "suspend", "Suspend every VM", (c, id, _, ct) => c.VirtualEnvironments.SuspendAsync(id, cancellationToken: ct)));
        ve.Subcommands.Add(Operation(context, "resume", "Resume every VM", (c, id, _, ct) => c.VirtualEnvironments.ResumeAsync(id, cancellationToken: ct)));
        ve.Subcommands.Add(Operation(context, "start", "Start the VMs of a stopped VE", (c, id, _, ct) => c.VirtualEnvironments.StartAsync(id, cancellationToken: ct)));
        ve.Subcommands.Add(Operation(context, "repair", "Start again elsewhere each VM that failed with its node (and was not protected)", (c, id, _, ct) => c.VirtualEnvironments.RepairAsync(id, cancellationToken: ct)));
        ve.Subcommands.Add(Operation(context, "stop", "Stop every VM (--force: power off)", (c, id, force, ct) => c.VirtualEnvironments.StopAsync(id, force, cancellationToken: ct)));

        var removed = VeArgument();
        var rm = new Command("rm", "Delete a VE and its VMs") { removed };
        rm.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var id = (await LocateAsync(cli, parse.GetValue(removed)!, ct)).Id;
            await (await cli.ClientAsync(ct)).VirtualEnvironments.DeleteAsync(id, cancellationToken: ct);
            cli.Out.Print(new { deleted = id }, d => new Table("DELETED").Row(d.deleted));
            return 0;
        });
        ve.Subcommands.Add(rm);

        var moved = VeArgument();
        var to = new Option<string>("--near") { Description = "Where to: a site, a node or a coordinate", Required = true };
        var vm = new Option<string?>("--vm") { Description = "Only this VM (default: the whole VE)" };
        var relocate = new Command("relocate", "Move a VE, or one of its VMs, near somewhere else; its constraints keep holding") { moved, to, vm, maxRtt };
        relocate.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var id = cli.Ve(parse.GetValue(moved)!);
            var client = await cli.ClientAsync(ct);
            var locality = Targets.Locality(parse.GetValue(to)!, parse.GetValue(maxRtt));
            var info = await WithProgressAsync(cli, client, id, () => client.VirtualEnvironments.RelocateAsync(id, locality, parse.GetValue(vm), cancellationToken: ct), ct);
            Show(cli, info);
            return 0;
        });
        ve.Subcommands.Add(relocate);

        var vmCommand = new Command("vm", "Virtual machines");
        var ofVe = new Option<string?>("--ve") { Description = "The VMs of this VE" };
        var ofNode = new Option<string?>("--node") { Description = "The VMs on this node" };
        var vmLs = new Command("ls", "List VMs of a VE (--ve) or of a node (--node)") { ofVe, ofNode };
        vmLs.Validators.Add(r =>
        {
            if ((r.GetValue(ofVe) is null) == (r.GetValue(ofNode) is null))
                r.AddError("give either --ve VE or --node NODE");
        });
        vmLs.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var client = await cli.ClientAsync(ct);
            IReadOnlyList<VmRow> rows;
            if (parse.GetValue(ofVe) is { } veName)
            {
                var info = await LocateAsync(cli, veName, ct);
                rows = info.Vms.Select(v => new VmRow($"{info.Id}/{v.Vm}", v.State.ToString(), v.Node, v.Site, v.RttMs)).ToList();
            }
            else
            {
                var node = await client.Nodes.GetAsync(parse.GetValue(ofNode)!, ct);
                var vms = await Task.WhenAll((node.Vms ?? []).Select(v => client.Grains.GetGrain<Abstractions.VirtualMachines.IVmGrain>(v).GetInfoAsync()));
                rows = vms.Select(v => new VmRow(v.Id, v.State.ToString(), v.Node, node.Id.Site, null)).ToList();
            }
            cli.Out.Print(rows, r => r.Aggregate(new Table("VM", "STATE", "NODE", "SITE", "RTT MS"), (t, v) => t.Row(v.Vm, v.State, v.Node, v.Site, Printer.Number(v.RttMs))));
            return 0;
        });
        vmCommand.Subcommands.Add(vmLs);

        var loaded = new Argument<string>("vm") { Description = "The VM: ve/vm (of --tenant) or tenant/ve/vm" };
        var cpu = new Option<double?>("--cpu") { Description = "The CPU demand to set, in vCPUs (at most the VM's size)" };
        var model = new Option<bool>("--model") { Description = "Give the VM back to the workload model" };
        var load = new Command("load", "Set a VM's CPU demand (to overload its node and watch the scheduler), or give it back to the workload model") { loaded, cpu, model };
        load.Validators.Add(r =>
        {
            if ((r.GetValue(cpu) is null) == !r.GetValue(model))
                r.AddError("give either --cpu VCPUS or --model");
        });
        load.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var (veName, vmName) = VmOf(cli, parse.GetValue(loaded)!);
            var info = await (await cli.ClientAsync(ct)).VirtualEnvironments.SetCpuDemandAsync(veName, vmName, parse.GetValue(model) ? null : parse.GetValue(cpu), ct);
            cli.Out.Print(info, i => new Table("VM", "NODE", "STATE", "CPU DEMAND").Row(i.Id, i.Node, i.State, i.CpuDemand is { } d ? Printer.Number(d) : "model"));
            return 0;
        });
        vmCommand.Subcommands.Add(load);

        var shownVm = new Argument<string>("vm") { Description = "The VM: ve/vm (of --tenant) or tenant/ve/vm" };
        var vmShow = new Command("show", "A VM's own record: state, node, generation, latest snapshot, standby, failure") { shownVm };
        vmShow.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var (veName, vmName) = VmOf(cli, parse.GetValue(shownVm)!);
            var info = await (await cli.ClientAsync(ct)).VirtualEnvironments.GetVmAsync(veName, vmName, ct);
            cli.Out.Print(info, i =>
            {
                if (i.Failure is { } failure)
                    cli.Out.Say($"VM {i.Id}: {failure}");
                return new Table("VM", "STATE", "NODE", "GENERATION", "SNAPSHOT AT", "RESTORED FROM", "STANDBY")
                    .Row(i.Id, i.State, i.Node, i.Generation, i.SnapshotAt?.ToString("u"), i.RestoredFrom, i.Standby);
            });
            return 0;
        });
        vmCommand.Subcommands.Add(vmShow);
        return [ve, vmCommand];
    }

    // "ve/vm" (of --tenant) or "tenant/ve/vm".
    private static (string Ve, string Vm) VmOf(CliContext cli, string name)
    {
        var parts = name.Split('/');
        return parts.Length switch
        {
            2 => (cli.Ve(parts[0]), parts[1]),
            3 => ($"{parts[0]}/{parts[1]}", parts[2]),
            _ => throw new ArgumentException($"'{name}' is not ve/vm or tenant/ve/vm"),
        };
    }

    /// <summary>A VM as <c>vm ls</c> prints it.</summary>
    public sealed record VmRow(string Vm, string State, string? Node, string? Site, double? RttMs);

    private static Argument<string> VeArgument() => new("ve") { Description = "The VE: name (of --tenant) or tenant/name" };

    private static Command Operation(Func<ParseResult, CliContext> context, string name, string description,
        Func<DiscoveryClient, string, bool, CancellationToken, Task<VeInfo>> run)
    {
        var id = VeArgument();
        var force = new Option<bool>("--force") { Description = "Power off rather than shut down" };
        var command = new Command(name, description) { id };
        if (name == "stop")
            command.Options.Add(force);
        command.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var ve = (await LocateAsync(cli, parse.GetValue(id)!, ct)).Id;
            var client = await cli.ClientAsync(ct);
            Show(cli, await WithProgressAsync(cli, client, ve, () => run(client, ve, parse.GetValue(force), ct), ct));
            return 0;
        });
        return command;
    }

    // The VE, or NotFoundException suggesting the tenant's VEs with close names.
    private static async Task<VeInfo> LocateAsync(CliContext cli, string name, CancellationToken ct)
    {
        var client = await cli.ClientAsync(ct);
        var id = cli.Ve(name);
        try
        {
            return await client.VirtualEnvironments.LocateAsync(id, ct);
        }
        catch (NotFoundException)
        {
            var tenant = id.Split('/')[0];
            var known = (await client.VirtualEnvironments.ListAsync($"{tenant}/", 0, 500, ct)).Ves;
            throw new NotFoundException($"there is no VE '{id}'{Suggestions.DidYouMean(id, known)}");
        }
    }

    // Runs a VE operation while printing its progress reports, one line per step, on stderr.
    private static async Task<VeInfo> WithProgressAsync(CliContext cli, DiscoveryClient client, string ve, Func<Task<VeInfo>> operation, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var p in client.VirtualEnvironments.WatchAsync(ve, stop.Token))
                    cli.Out.Progress($"{p.Operation} {p.Done}/{p.Total}: {p.Message}");
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        try
        {
            return await operation();
        }
        finally
        {
            await Task.Delay(200, CancellationToken.None); // the last report is on its way
            await stop.CancelAsync();
            await watcher;
        }
    }

    private static void Show(CliContext cli, VeInfo info) =>
        cli.Out.Print(info, i =>
        {
            var table = new Table("VM", "STATE", "NODE", "SITE", "RTT MS");
            foreach (var v in i.Vms)
                table.Row(v.Vm, v.State, v.Node, v.Site, Printer.Number(v.RttMs));
            cli.Out.Say($"VE {i.Id}: {i.Status}" + (i.Requester is null ? "" : $", near {i.Requester}"));
            return table;
        });
}
