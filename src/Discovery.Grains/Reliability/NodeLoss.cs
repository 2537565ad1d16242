using Discovery.Abstractions.Environments;
using Microsoft.Extensions.Logging;

namespace Discovery.Grains.Reliability;

/// <summary>What follows the loss of nodes, whoever noticed it (a dead silo, an unreachable hypervisor).</summary>
public static class NodeLoss
{
    private const int PageSize = 500;

    /// <summary>
    /// Every VE with a VM on <paramref name="lostNodes"/> restarts its protected VMs elsewhere and marks the others
    /// failed. Returns how many VMs were on those nodes.
    /// </summary>
    public static async Task<int> RecoverVmsAsync(IGrainFactory grains, IReadOnlyList<string> lostNodes, string reason, ILogger logger)
    {
        var directory = grains.GetGrain<IVeDirectoryGrain>(0);
        var total = 0;
        for (var offset = 0; ; offset += PageSize)
        {
            var page = await directory.ListAsync(offset, PageSize);
            var counts = await Task.WhenAll(page.Ves.Select(ve => grains.GetGrain<IVeRecoveryGrain>(ve).RecoverAsync(lostNodes, reason)));
            total += counts.Sum();
            if (offset + PageSize >= page.Total)
                break;
        }
        if (total > 0)
            logger.LogWarning("{Count} VM(s) were on the lost nodes {Nodes}: {Reason}", total, string.Join(", ", lostNodes), reason);
        return total;
    }
}
