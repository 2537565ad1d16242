using Discovery.Abstractions.Environments;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Reliability;

/// <summary>What follows the loss of nodes, whoever noticed it (a dead silo, an unreachable hypervisor).</summary>
public static class NodeLoss
{
    private const int PageSize = 500;

    /// <summary>
    /// Every VE with a VM on <paramref name="lostNodes"/> restarts its protected VMs elsewhere and marks the others
    /// failed. Returns how many VMs were on those nodes. A VE that fails does not stop the others: all are tried, then
    /// the failures are thrown together, so the caller knows the recovery is not finished (it is safe to run again:
    /// a VE recovers only the VMs still recorded on the lost nodes).
    /// </summary>
    public static async Task<int> RecoverVmsAsync(IGrainFactory grains, IReadOnlyList<string> lostNodes, string reason, ILogger logger)
    {
        var directory = grains.GetGrain<IVeDirectoryGrain>(0);
        var total = 0;
        var failed = new List<string>();
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await directory.ListAsync(offset, PageSize);
            var counts = await Task.WhenAll(page.Ves.Select(async ve =>
            {
                try
                {
                    return await grains.GetGrain<IVeRecoveryGrain>(ve).RecoverAsync(lostNodes, reason);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    lock (failed)
                        failed.Add($"{ve}: {e.Message}");
                    return 0;
                }
            }));
            total += counts.Sum();
            if (offset + PageSize >= page.Total)
                break;
        }
        if (total > 0)
            logger.LogWarning("{Count} VM(s) were on the lost nodes {Nodes}: {Reason}", total, string.Join(", ", lostNodes), reason);
        if (failed.Count > 0)
            throw new InvalidOperationException($"{failed.Count} VE(s) could not be recovered yet after the loss of {string.Join(", ", lostNodes)}: {string.Join("; ", failed.Take(5))}");
        return total;
    }
}
