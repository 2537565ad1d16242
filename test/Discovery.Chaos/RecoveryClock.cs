using System.Collections.Concurrent;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Chaos;

/// <summary>
/// Times how long protected VMs take to run again after their node dies: just before a silo is killed or paused, it
/// notes the protected VMs running on that silo's site; afterwards it polls their records until each runs again as a
/// newer generation (on another site, or on its own node once its silo is back), and keeps the time from the fault.
/// </summary>
public sealed class RecoveryClock(IClusterClient grains, History history, TextWriter log)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentBag<double> _seconds = [];
    private readonly ConcurrentBag<string> _late = [];
    private readonly List<Task> _watches = [];
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Seconds from a node's death to each of its protected VMs running again elsewhere.</summary>
    public IReadOnlyList<double> Seconds => _seconds.ToList();

    /// <summary>Protected VMs not seen running again (before the run ended, or within two minutes of their node's death).</summary>
    public IReadOnlyList<string> Late => _late.ToList();

    /// <summary>The protected VMs running or suspended on <paramref name="site"/> now, with their generation (asked just before a fault).</summary>
    public async Task<IReadOnlyList<VmInfo>> ProtectedVmsOnAsync(string site)
    {
        var vms = history.Ves.Values.Where(v => v is { DeployAcknowledged: true, DeleteAttempted: false })
            .SelectMany(v => v.Spec.Instances().Where(i => i.Template.Ha.IsProtected()).Select(i => VmId.Parse($"{v.Name}/{i.Vm}").Value))
            .ToList();
        var infos = await Task.WhenAll(vms.Select(async vm =>
        {
            try
            {
                return await grains.GetGrain<IVmGrain>(vm).GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return null;
            }
        }));
        return infos.OfType<VmInfo>()
            .Where(i => i.State is VmState.Running or VmState.Suspended && i.Node is { } node && NodeId.Parse(node).Site == site)
            .ToList();
    }

    /// <summary>Starts timing <paramref name="vms"/>, whose site died at <paramref name="at"/>.</summary>
    public void Track(string site, DateTimeOffset at, IReadOnlyList<VmInfo> vms)
    {
        lock (_watches)
            _watches.AddRange(vms.Select(vm => WatchAsync(site, at, vm)));
    }

    /// <summary>Waits for every VM being timed, at most <paramref name="grace"/>; those still running late count as late.</summary>
    public async Task WhenAllTimedAsync(TimeSpan grace)
    {
        Task all;
        lock (_watches)
            all = Task.WhenAll(_watches);
        await Task.WhenAny(all, Task.Delay(grace));
        await _stop.CancelAsync();
        await all;
    }

    // Running again means restarted (a newer generation) on another site: a relocation by the workload is no recovery.
    private async Task WatchAsync(string site, DateTimeOffset at, VmInfo before)
    {
        var vm = before.Id;
        var ve = vm[..vm.LastIndexOf('/')];
        while (DateTimeOffset.UtcNow - at < Patience && !_stop.IsCancellationRequested)
        {
            await Task.Delay(PollEvery);
            if (history.Ves.TryGetValue(ve, out var model) && model.DeleteAttempted)
                return; // deleted meanwhile: nothing to time
            try
            {
                var info = await grains.GetGrain<IVmGrain>(vm).GetInfoAsync().WaitAsync(TimeSpan.FromSeconds(2));
                if (info.State == VmState.Running && info.Generation > before.Generation)
                {
                    _seconds.Add((DateTimeOffset.UtcNow - at).TotalSeconds);
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The cluster is busy with the fault; ask again.
            }
        }
        _late.Add(vm);
        log.WriteLine($"{Clock.Now}  {vm} was not running again {(DateTimeOffset.UtcNow - at).TotalSeconds:0} s after site {site} died");
    }
}
