using System.Reflection;
using Discovery.Abstractions.Coordinates;
using Discovery.Abstractions.Environments;
using Discovery.Abstractions.Images;
using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Scheduling;
using Discovery.Abstractions.Security;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;

namespace Discovery.Grains.Security;

/// <summary>Decides whether a verified caller may make one call; returns null to allow it, else the reason it may not.</summary>
public delegate string? AccessCheck(Principal caller, IIncomingGrainCallContext call);

/// <summary>A named access check, so refusals, docs and tests can say which rule applied.</summary>
public sealed record AccessRule(string Name, AccessCheck Check);

/// <summary>
/// What a client may call, for every grain interface of Discovery.Abstractions: the one table to audit. An interface
/// or method missing here is refused to clients (and a test fails), so a new grain method is closed until someone
/// decides who may call it.
/// </summary>
public static class ClientAccess
{
    /// <summary>Never from a client: the cluster's own bookkeeping.</summary>
    public static readonly AccessRule Internal = new("internal", (_, _) => "only the cluster itself makes this call");

    /// <summary>Administrators only: the infrastructure (nodes, sites, schedulers) and identity.</summary>
    public static readonly AccessRule Admin = new("admin", (c, _) => c.IsAdmin ? null : "it is for administrators");

    /// <summary>Any authenticated caller: answers that reveal no tenant's things (or that the grain filters by caller).</summary>
    public static readonly AccessRule Authenticated = new("authenticated", (_, _) => null);

    /// <summary>
    /// Subscribing to a stream: a VE's progress only for its tenant, the infrastructure's events and image transfers
    /// only for administrators. Checked on the calls a client makes to Orleans' stream pub-sub grain, whose key names the
    /// stream as <c>provider/namespace/key</c>.
    /// </summary>
    public static readonly AccessRule Streams = new("stream", (caller, call) =>
    {
        var parts = call.TargetId.Key.ToString()!.Split('/', 3);
        if (parts.Length < 3)
            return null;
        var key = parts[2];
        return parts[1] switch
        {
            VeStreams.Namespace => caller.MayActFor(key.Split('/')[0]) ? null : $"the progress of VE {key} belongs to another tenant",
            Abstractions.Events.DiscoveryStreams.Namespace => caller.IsAdmin ? null : "the infrastructure's events are for administrators",
            // Keyed by the image's name, which does not say its owner: a tenant follows its pulls in its VE's progress.
            ImageProgress.Namespace => caller.IsAdmin ? null : "the progress of image transfers is for administrators (a VE's progress reports its pulls)",
            _ => null,
        };
    });

    // Orleans' own grain that keeps who listens to which stream; its name is stable across Orleans versions.
    private const string StreamPubSubInterface = "IPubSubRendezvousGrain";

    private static readonly Dictionary<Type, (AccessRule Default, Dictionary<string, AccessRule> Methods)> Table = new()
    {
        [typeof(IVeGrain)] = (OwnerOfKey("VE", k => VeId.Parse(k).Tenant), new() { [nameof(IVeGrain.MoveVmAsync)] = Admin }),
        [typeof(IVmGrain)] = (Admin, new()
        {
            [nameof(IVmGrain.GetInfoAsync)] = OwnerOfKey("VM", k => VmId.Parse(k).Tenant),
            [nameof(IVmGrain.SetCpuDemandAsync)] = OwnerOfKey("VM", k => VmId.Parse(k).Tenant),
        }),
        [typeof(IVeDirectoryGrain)] = (Internal, new() { [nameof(IVeDirectoryGrain.ListAsync)] = Authenticated }),
        [typeof(IImageGrain)] = (OwnerOfImage(sharedRead: false), new()
        {
            [nameof(IImageGrain.GetInfoAsync)] = OwnerOfImage(sharedRead: true),
            [nameof(IImageGrain.GetDetailsAsync)] = OwnerOfImage(sharedRead: true),
            [nameof(IImageGrain.GetManifestAsync)] = OwnerOfImage(sharedRead: true),
            [nameof(IImageGrain.RegisterAsync)] = Admin,
            [nameof(IImageGrain.RepairAsync)] = Admin,
            [nameof(IImageGrain.CommitAsync)] = OwnerArgument(1, "owner"),
        }),
        [typeof(IImageDirectoryGrain)] = (Internal, new() { [nameof(IImageDirectoryGrain.ListAsync)] = Authenticated }),
        [typeof(IImageChunkGrain)] = (Admin, new()),
        // An import uploads the chunks the site lacks before committing them to an image, in the scope the store
        // decides for the importing tenant (never a raw key: that could ask about another tenant's chunks).
        [typeof(ISiteChunkStoreGrain)] = (Admin, new()
        {
            [nameof(ISiteChunkStoreGrain.MissingForAsync)] = OwnerArgument(0, "tenant"),
            [nameof(ISiteChunkStoreGrain.PutForAsync)] = OwnerArgument(0, "tenant"),
        }),
        [typeof(INodeGrain)] = (Admin, new()),
        [typeof(INodeDrainGrain)] = (Admin, new()),
        [typeof(INodeLocalityGrain)] = (Admin, new()),
        [typeof(ISchedulerGrain)] = (Admin, new()),
        [typeof(IEnergyGrain)] = (Admin, new()),
        [typeof(Abstractions.Networks.ITenantNetworkGrain)] = (Internal, new() { [nameof(Abstractions.Networks.ITenantNetworkGrain.GetAsync)] = OwnerOfKey("network", k => k) }),
        [typeof(Abstractions.Networks.IVniRegistryGrain)] = (Internal, new()),
        [typeof(ISiteGrain)] = (Admin, new()),
        // Where the sites are and which nodes are near a point: what a tenant needs to say where to deploy.
        [typeof(ILocalityGrain)] = (Authenticated, new()),
        [typeof(IClusterOverviewGrain)] = (Authenticated, new()),
        [typeof(IGatewaySiteGrain)] = (Authenticated, new()),
        [typeof(IIdentityGrain)] = (Admin, new() { [nameof(IIdentityGrain.WhoAmIAsync)] = Authenticated }),
        [typeof(IApiKeyGrain)] = (Internal, new()),
        [typeof(ITenantDirectoryGrain)] = (Internal, new()),
        [typeof(IAuditGrain)] = (Internal, new()),
        [typeof(ISecurityPolicyGrain)] = (OwnerOfKey("policy scope", k => k.Split('/')[0]), new()),
        [typeof(ITenantQuotaGrain)] = (Internal, new()
        {
            [nameof(ITenantQuotaGrain.GetAsync)] = OwnerOfKey("quota", k => k),
            [nameof(ITenantQuotaGrain.SetLimitsAsync)] = Admin,
        }),
    };

    /// <summary>Every grain interface the table covers.</summary>
    public static IReadOnlyCollection<Type> Interfaces => Table.Keys;

    /// <summary>
    /// The rule for a call of <paramref name="method"/>: null for interfaces outside Discovery's contracts (Orleans'
    /// own), <see cref="Internal"/> for a Discovery interface or method the table does not know.
    /// </summary>
    public static AccessRule? For(MethodInfo method)
    {
        var type = method.DeclaringType!;
        if (type.Name == StreamPubSubInterface)
            return Streams;
        if (type.Assembly != typeof(IVeGrain).Assembly)
            return null;
        if (!Table.TryGetValue(type, out var entry))
            return Internal;
        return entry.Methods.GetValueOrDefault(method.Name) ?? entry.Default;
    }

    // The tenant is part of the grain's key (tenant/ve, tenant/ve/vm).
    private static AccessRule OwnerOfKey(string what, Func<string, string?> tenantOf) => new("owner", (caller, call) =>
    {
        var key = call.TargetId.Key.ToString()!;
        string? tenant;
        try
        {
            tenant = tenantOf(key);
        }
        catch (FormatException)
        {
            return $"'{key}' is not a valid {what} id";
        }
        return caller.MayActFor(tenant) ? null : tenant is null ? $"{what} {key} belongs to no tenant" : $"{what} {key} belongs to another tenant";
    });

    // An image's owner is in its state (names are not per tenant); an image nobody imported is shared.
    private static AccessRule OwnerOfImage(bool sharedRead) => new(sharedRead ? "owner-or-shared" : "owner", (caller, call) =>
    {
        var owner = (call.TargetContext.GrainInstance as IOwnedGrain)?.Owner;
        if (owner is null)
            return sharedRead || caller.IsAdmin ? null : $"image {call.TargetId.Key} is not yours to change";
        return caller.MayActFor(owner) ? null : $"image {call.TargetId.Key} belongs to another tenant";
    });

    // The tenant the call acts for is one of its arguments.
    private static AccessRule OwnerArgument(int index, string name) => new("owner-argument", (caller, call) =>
        caller.MayActFor(call.Request.GetArgument(index) as string) ? null : $"{name} '{call.Request.GetArgument(index)}' is not {caller.Name}");
}

/// <summary>A grain whose owner is part of its state rather than its key.</summary>
public interface IOwnedGrain
{
    /// <summary>The owning tenant, or null when it belongs to no tenant.</summary>
    string? Owner { get; }
}
