using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Grains.Sites;
using Discovery.Silo.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Discovery.Silo.Hosting;

/// <summary>
/// Registers the images and the nodes of this silo's site from the infrastructure file once the silo is up. Registration is
/// idempotent, so every silo of a site may do it and restarts change nothing.
/// </summary>
internal sealed class NodeSeeder(
    InfrastructureFile infrastructure,
    LocalSite site,
    IGrainFactory grains,
    SiloReadiness readiness,
    ILogger<NodeSeeder> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        foreach (var image in infrastructure.Images ?? [])
            await grains.GetGrain<IImageGrain>(image.Name).RegisterAsync(new ImageInfo(image.SizeGiB, image.Description));
        var entry = infrastructure.FindSite(site.Name);
        if (entry is null)
        {
            logger.LogWarning("Site {Site} is not in the infrastructure file: no node registered at start", site.Name);
            readiness.MarkNodesRegistered(0);
            return;
        }
        await Task.WhenAll(entry.Nodes.Select(n =>
            grains.GetGrain<INodeGrain>(new NodeId(site.Name, n.Name).ToString()).RegisterAsync(n.Spec)));
        logger.LogInformation("Site {Site}: {Count} nodes registered", site.Name, entry.Nodes.Count);
        readiness.MarkNodesRegistered(entry.Nodes.Count);
    }
}
