namespace Discovery.Hypervisor;

/// <summary>Moves a domain between two hosts: live where both drivers can, otherwise cold.</summary>
public static class Migrator
{
    /// <summary>
    /// Moves domain <paramref name="name"/> from <paramref name="source"/> to <paramref name="target"/> and returns how.
    /// A cold move saves the domain's memory to a file in <paramref name="stateDirectory"/>, undefines it on the source,
    /// defines and restores it on the target (and puts a paused domain back to sleep). If the target refuses, the
    /// domain is restored on the source before the error is rethrown.
    /// </summary>
    public static MigrationMethod Migrate(LibvirtConnection source, LibvirtConnection target, string name, string stateDirectory)
    {
        using var domain = source.LookupDomain(name);
        if (source.SupportsMigration && target.SupportsMigration && domain.State is DomainState.Running)
        {
            using var moved = domain.Migrate(target);
            return MigrationMethod.Live;
        }
        ColdMove(domain, source, target, stateDirectory);
        return MigrationMethod.Cold;
    }

    private static void ColdMove(Domain domain, LibvirtConnection source, LibvirtConnection target, string stateDirectory)
    {
        var xml = domain.GetXml();
        var state = domain.State;
        var active = state is DomainState.Running or DomainState.Paused or DomainState.Blocked;
        Directory.CreateDirectory(stateDirectory);
        var file = Path.Combine(stateDirectory, $"{domain.Name}-{Guid.NewGuid():N}.save");
        try
        {
            if (active)
                domain.Save(file);
            domain.Undefine();
            try
            {
                Arrive(target, xml, active ? file : null, state);
            }
            catch
            {
                Arrive(source, xml, active ? file : null, state);
                throw;
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static void Arrive(LibvirtConnection host, string xml, string? savedState, DomainState state)
    {
        using var defined = host.DefineDomain(xml);
        if (savedState is null)
            return;
        host.RestoreDomain(savedState);
        if (state == DomainState.Paused)
            defined.Suspend();
    }
}

/// <summary>How a domain was moved.</summary>
public enum MigrationMethod
{
    /// <summary>Hypervisor-to-hypervisor, while it ran.</summary>
    Live,

    /// <summary>Saved, moved and restored.</summary>
    Cold,
}
