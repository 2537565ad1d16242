namespace Discovery.Hypervisor.Tests;

public sealed class MigratorTests
{
    [LibvirtFact]
    public void A_running_domain_moves_cold_between_test_hosts_and_keeps_running()
    {
        using var source = new TestHost();
        using var target = new TestHost();
        using (var domain = source.Define("mover"))
            domain.Create();

        var method = Migrator.Migrate(source.Connection, target.Connection, "mover", source.StateDirectory);

        Assert.Equal(MigrationMethod.Cold, method);
        Assert.Null(source.Connection.TryLookupDomain("mover"));
        using var arrived = target.Connection.LookupDomain("mover");
        Assert.Equal(DomainState.Running, arrived.State);
        Assert.Empty(Directory.GetFiles(source.StateDirectory));
    }

    [LibvirtFact]
    public void A_paused_domain_arrives_paused()
    {
        using var source = new TestHost();
        using var target = new TestHost();
        using (var domain = source.Define("sleeper"))
        {
            domain.Create();
            domain.Suspend();
        }

        Migrator.Migrate(source.Connection, target.Connection, "sleeper", source.StateDirectory);

        using var arrived = target.Connection.LookupDomain("sleeper");
        Assert.Equal(DomainState.Paused, arrived.State);
    }

    [LibvirtFact]
    public void A_stopped_domain_moves_as_a_definition()
    {
        using var source = new TestHost();
        using var target = new TestHost();
        using (source.Define("idle"))
        {
        }

        Migrator.Migrate(source.Connection, target.Connection, "idle", source.StateDirectory);

        using var arrived = target.Connection.LookupDomain("idle");
        Assert.Equal(DomainState.Shutoff, arrived.State);
    }
}
