using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Environments.Constraints;
using Discovery.Abstractions.Placement;
using Discovery.Abstractions.Security;
using Discovery.Client;

namespace Discovery.Chaos;

/// <summary>
/// Tenants operating their VEs through the SDK while faults are injected: create and deploy, suspend, resume,
/// relocate, delete. Each worker owns its VEs and does one operation at a time; an operation that gets no answer is
/// retried with the same request id (the VE grain returns the first outcome), and recorded as unknown if it never
/// gets one.
/// </summary>
public sealed class Workload(DiscoveryClient client, ChaosOptions options, History history, TextWriter log)
{
    private static readonly TimeSpan OperationDeadline = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);
    private int _created;

    /// <summary>Runs every worker until <paramref name="stop"/> fires; operations in flight then finish or give up.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, options.Workers).Select(w => WorkerAsync(w, new Random(options.Seed * 1000 + w), stop)));

    private async Task WorkerAsync(int worker, Random random, CancellationToken stop)
    {
        var mine = new List<VeModel>();
        while (!stop.IsCancellationRequested)
        {
            mine.RemoveAll(v => v.DeleteAttempted);
            if (mine.Count < options.VesPerWorker)
                mine.Add(await CreateAsync(worker, random, stop));
            else
                await ActAsync(mine[random.Next(mine.Count)], random, stop);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 400)), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<VeModel> CreateAsync(int worker, Random random, CancellationToken stop)
    {
        var name = $"chaos-{worker}/ve-{Interlocked.Increment(ref _created)}";
        // Half the templates ask to be restarted elsewhere when their node dies; web replicas stay on distinct nodes.
        // With replicas on, a protected db keeps a standby on another site half the time, snapshotted every minute.
        var dbHa = random.Next(2) == 0 ? HaMode.None : options.Replicas && random.Next(2) == 0 ? HaMode.Replica : HaMode.Restart;
        var spec = new VeSpec(
            [new VmTemplate("web", 1, 512, Count: 2, Ha: random.Next(2) == 0 ? HaMode.Restart : HaMode.None),
             new VmTemplate("db", 2, 1024, Ha: dbHa)],
            [new Spread(["web"])],
            SnapshotEveryMinutes: options.Replicas ? 1 : null);
        var ve = history.Ves[name] = new VeModel(name, spec);
        var created = await RunAsync(ve, "create", id => client.VirtualEnvironments.CreateAsync(name, spec, id), stop);
        ve.CreateAcknowledged = created == Outcome.Acknowledged;
        if (created == Outcome.Acknowledged)
            await DeployAsync(ve, random, stop);
        return ve;
    }

    private async Task ActAsync(VeModel ve, Random random, CancellationToken stop)
    {
        if (ve.Uncertain || !ve.CreateAcknowledged || random.Next(12) == 0)
        {
            await DeleteAsync(ve, stop);
            return;
        }
        if (!ve.DeployAcknowledged)
        {
            await DeployAsync(ve, random, stop);
            return;
        }
        switch (random.Next(3))
        {
            case 0 when ve.Suspended:
                if (await RunAsync(ve, "resume", id => client.VirtualEnvironments.ResumeAsync(ve.Name, id), stop) == Outcome.Acknowledged)
                    ve.Suspended = false;
                break;
            case 0:
                if (await RunAsync(ve, "suspend", id => client.VirtualEnvironments.SuspendAsync(ve.Name, id), stop) == Outcome.Acknowledged)
                    ve.Suspended = true;
                break;
            default:
                var near = Locality.NearSite(options.Sites[random.Next(options.Sites.Count)]);
                await RunAsync(ve, "relocate", id => client.VirtualEnvironments.RelocateAsync(ve.Name, near, requestId: id), stop);
                break;
        }
    }

    private async Task DeployAsync(VeModel ve, Random random, CancellationToken stop)
    {
        var near = Locality.NearSite(options.Sites[random.Next(options.Sites.Count)]);
        if (await RunAsync(ve, "deploy", id => client.VirtualEnvironments.DeployAsync(ve.Name, near, id), stop) == Outcome.Acknowledged)
            ve.DeployAcknowledged = true;
    }

    private async Task DeleteAsync(VeModel ve, CancellationToken stop)
    {
        ve.DeleteAttempted = true;
        if (await RunAsync(ve, "delete", async id => { await client.VirtualEnvironments.DeleteAsync(ve.Name, id); return true; }, stop) == Outcome.Acknowledged)
            ve.DeleteAcknowledged = true;
    }

    // One operation, retried with one request id until it is answered or its deadline passes.
    private async Task<Outcome> RunAsync<T>(VeModel ve, string kind, Func<string, Task<T>> call, CancellationToken stop)
    {
        var requestId = $"{kind}-{Guid.NewGuid():N}";
        var started = DateTimeOffset.UtcNow;
        var attempts = 0;
        string? detail = null;
        var outcome = Outcome.Unknown;
        while (DateTimeOffset.UtcNow - started < OperationDeadline)
        {
            attempts++;
            try
            {
                // The stop only keeps new operations from starting: one in flight is seen through to its answer.
                await call(requestId);
                outcome = Outcome.Acknowledged;
                break;
            }
            catch (Exception e) when (IsDefiniteRefusal(e))
            {
                (outcome, detail) = (Outcome.Refused, $"{e.GetType().Name}: {e.Message}");
                break;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                detail = $"{e.GetType().Name}: {e.GetBaseException().Message}";
                await Task.Delay(RetryPause, CancellationToken.None);
            }
        }
        if (outcome == Outcome.Unknown)
        {
            ve.Uncertain = true;
            log.WriteLine($"{Clock.Now}  {kind} of {ve.Name} got no answer after {attempts} attempts: {detail}");
        }
        history.Add(new OperationRecord(ve.Name, kind, requestId, started, DateTimeOffset.UtcNow - started, outcome, attempts, detail));
        return outcome;
    }

    // The VE's own answers ("cannot place", "not in that state") and validation: retrying would get the same answer.
    private static bool IsDefiniteRefusal(Exception e) => e.GetBaseException() is
        PlacementFailedException or VeOperationException or InvalidVeSpecException or PolicyViolationException or NotFoundException;
}
