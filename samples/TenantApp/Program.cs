// A tenant application: deploys a small VE near a site, prints where each VM landed, shows the progress reports
// and the site's events while it works, then deletes the VE.
//   dotnet run --project src/Discovery.Silo            (first terminal: the embedded demo)
//   dotnet run --project samples/TenantApp -- lyon     (second terminal)
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Client;

var site = args.FirstOrDefault() ?? "lyon";
await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions
{
    Gateways = ["127.0.0.1:30000", "127.0.0.1:30001", "127.0.0.1:30002", "127.0.0.1:30003"],
});
Console.WriteLine($"Connected; calls come from site {client.Site}.");

var ve = $"sample/shop-{Guid.NewGuid():N}"[..19];
using var watching = new CancellationTokenSource();
var progress = Task.Run(async () =>
{
    await foreach (var step in client.VirtualEnvironments.WatchAsync(ve, watching.Token))
        Console.WriteLine($"  [{step.Operation} {step.Done}/{step.Total}] {step.Message}");
});
var events = Task.Run(async () =>
{
    await foreach (var e in client.Events.WatchAsync([site], cancellationToken: watching.Token))
        Console.WriteLine($"  event on {e.Site}: {e}");
});

try
{
    await client.VirtualEnvironments.CreateAsync(ve, new VeSpec(
        [new VmTemplate("web", Vcpus: 1, MemoryMiB: 1024, Count: 2), new VmTemplate("db", 2, 4096)],
        [new Spread(["web"])]));
    var placed = await client.VirtualEnvironments.DeployAsync(ve, Locality.NearSite(site));
    Console.WriteLine($"VE {placed.Id} is {placed.Status}, near {placed.Requester}:");
    foreach (var vm in placed.Vms)
        Console.WriteLine($"  {vm.Vm,-6} on {vm.Node} ({vm.Site}), about {vm.RttMs:0.0} ms away, {vm.State}");
}
catch (PlacementFailedException e)
{
    Console.WriteLine($"Could not place the VE: {e.Message}");
}
finally
{
    await client.VirtualEnvironments.DeleteAsync(ve);
    Console.WriteLine($"VE {ve} deleted.");
    await Task.Delay(500);
    watching.Cancel();
    await Task.WhenAll(progress, events).ContinueWith(_ => { }, TaskScheduler.Default);
}
