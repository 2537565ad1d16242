using Discovery.Abstractions.Nodes;
using Discovery.Abstractions.Sites;
using Discovery.Abstractions.VirtualMachines;
using Discovery.Client;
using Discovery.Testing;
using Discovery.Testing.Postgres;
using Discovery.Testing.Processes;
using Npgsql;
using Xunit;

namespace Discovery.Silo.Tests.Postgres;

/// <summary>
/// Real silo processes on a real PostgreSQL: the database is created by <c>db init</c>, two sites form one cluster, a
/// client finds them through the database, and the cluster survives a <c>kill -9</c> of one silo.
/// </summary>
public sealed class PostgresClusterTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [PostgresFact]
    public async Task Two_sites_on_one_database_form_one_cluster_that_survives_a_killed_silo()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await InitSchemaAsync(connection);
        var clusterId = $"pg-{Guid.NewGuid():N}";
        var infrastructure = WriteInfrastructure();

        await using var paris = StartSilo("paris", connection, clusterId, infrastructure);
        await paris.WaitForLineAsync("is running", StartTimeout);
        await using var lyon = StartSilo("lyon", connection, clusterId, infrastructure);
        await lyon.WaitForLineAsync("is running", StartTimeout);

        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Connection = connection, ClusterId = clusterId });
        var parisNode = await client.Grains.GetGrain<INodeGrain>("paris/node-1").GetInfoAsync();
        var lyonNode = await client.Grains.GetGrain<INodeGrain>("lyon/node-1").GetInfoAsync();
        Assert.Equal("paris", parisNode.HostSite);
        Assert.Equal("lyon", lyonNode.HostSite);
        Assert.Equal(new NodeSpec(8, 16384), lyonNode.Spec);
        Assert.Equal(2, await ActiveSilosAsync(connection, clusterId));
        // A query missing from the schema, or with a parameter or column the provider does not expect, shows up as
        // an error in the silo's log long before it breaks anything visible.
        AssertNoErrors(paris);
        AssertNoErrors(lyon);

        lyon.KillHard();

        // The survivor declares the dead silo dead in the membership table (status 6 = Dead) …
        await Eventually.HoldsAsync(async () => await DeadSilosAsync(connection, clusterId) == 1,
            "paris to declare the killed lyon silo dead", TimeSpan.FromSeconds(60));
        Assert.Equal(1, await ActiveSilosAsync(connection, clusterId));
        // … keeps serving its own site, and refuses to place lyon's agents anywhere else.
        var again = await client.Grains.GetGrain<INodeGrain>("paris/node-2").GetInfoAsync();
        Assert.Equal("paris", again.HostSite);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => client.Grains.GetGrain<INodeGrain>("lyon/node-2").GetInfoAsync());
        Assert.Contains("no silo of site 'lyon' is up", error.GetBaseException().Message);
        Assert.Empty(ProviderErrors(paris));
    }

    private static void AssertNoErrors(ChildProcess silo)
    {
        var errors = Errors(silo);
        Assert.True(errors.Count == 0, "the silo logged errors:\n" + string.Join("\n", errors));
    }

    // Error lines of the simple console logger ("fail:", "crit:") and any database exception in the output.
    private static List<string> Errors(ChildProcess silo) =>
        silo.Output.Where(l => (l.Contains("fail:") || l.Contains("crit:") || IsDatabaseError(l)) && !IsQueueHandover(l)).ToList();

    // When a silo joins, the stream queues are rebalanced over the ring: the agent that gives a queue away cancels
    // its pending read, and Orleans logs that cancelled read as an error. That is Orleans' own handover, not a
    // fault of the schema or of our configuration, which is what this test is looking for.
    private static bool IsQueueHandover(string line) =>
        (line.Contains("fail: Orleans.Providers.MemoryAdapterReceiver") || line.Contains("fail: Orleans.Streams."))
        && line.Contains("System.OperationCanceledException");

    // After a kill the survivor logs failed connections to the dead silo, as it should; database errors it must not.
    private static List<string> ProviderErrors(ChildProcess silo) => silo.Output.Where(IsDatabaseError).ToList();

    private static bool IsDatabaseError(string line) =>
        line.Contains("PostgresException") || line.Contains("NpgsqlException") || line.Contains("AdoNet", StringComparison.OrdinalIgnoreCase) && line.Contains("fail:");

    [PostgresFact]
    public async Task A_vms_record_outlives_its_silo_and_the_restarted_agent_reports_the_lost_domain()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await InitSchemaAsync(connection);
        var clusterId = $"pg-{Guid.NewGuid():N}";
        var infrastructure = WriteInfrastructure();
        await using var paris = StartSilo("paris", connection, clusterId, infrastructure);
        await paris.WaitForLineAsync("is running", StartTimeout);
        var lyon = StartSilo("lyon", connection, clusterId, infrastructure);
        await lyon.WaitForLineAsync("is running", StartTimeout);
        await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Connection = connection, ClusterId = clusterId });
        var vm = client.Grains.GetGrain<IVmGrain>("pg-test/app/web");
        await vm.DefineAsync(new VmSpec(2, 2048), "lyon/node-1");
        await vm.StartAsync();

        // The libvirt test host lives inside the silo process: killing the silo kills the VM's domain with it.
        lyon.KillHard();
        await lyon.DisposeAsync();
        await using var lyonAgain = StartSilo("lyon", connection, clusterId, infrastructure);
        await lyonAgain.WaitForLineAsync("is running", StartTimeout);

        // The record came back from PostgreSQL; the node's agent, reactivated on the new silo, finds no domain.
        await Eventually.HoldsAsync(async () => (await vm.GetInfoAsync()).State == VmState.Failed,
            "the restarted lyon agent to report the VM failed", TimeSpan.FromSeconds(60));
        var info = await vm.GetInfoAsync();
        Assert.Equal(("lyon/node-1", new VmSpec(2, 2048)), (info.Node, info.Spec));
        Assert.Contains("disappeared", info.Failure);
        var node = await client.Grains.GetGrain<INodeGrain>("lyon/node-1").GetInfoAsync();
        Assert.Equal((2, 2048L), (node.AllocatedVcpus, node.AllocatedMemoryMiB));
        Assert.Empty(ProviderErrors(lyonAgain));
    }

    [PostgresFact]
    public async Task A_silo_on_a_database_without_the_schema_says_to_run_db_init()
    {
        var connection = await postgres.CreateDatabaseAsync();

        await using var silo = StartSilo("paris", connection, $"pg-{Guid.NewGuid():N}", WriteInfrastructure());

        Assert.Equal(2, await silo.WaitForExitAsync(StartTimeout));
        var line = Assert.Single(silo.Output);
        Assert.Contains("db init", line);
    }

    [PostgresFact]
    public async Task Db_init_is_idempotent()
    {
        var connection = await postgres.CreateDatabaseAsync();

        await InitSchemaAsync(connection);
        await InitSchemaAsync(connection);
    }

    internal static async Task InitSchemaAsync(string connection)
    {
        await using var init = ChildProcess.StartDotnet(SiloProgramFile.Path, "db", "init", "--connection", connection);
        var exit = await init.WaitForExitAsync(StartTimeout);
        Assert.True(exit == 0, $"db init failed:\n{string.Join('\n', init.Output)}");
    }

    internal static ChildProcess StartSilo(string site, string connection, string clusterId, string infrastructure) =>
        ChildProcess.StartDotnet(SiloProgramFile.Path,
            "--site", site, "--clustering", "postgres", "--connection", connection, "--cluster-id", clusterId,
            "--silo-port", FreePorts.Take().ToString(), "--gateway-port", FreePorts.Take().ToString(),
            "--infrastructure", infrastructure,
            // Fast failure detection, as measured on this machine: a killed silo is declared dead in about 1–2 s.
            "--probe-timeout", "00:00:01", "--missed-probes", "2", "--table-refresh", "00:00:02",
            "--reconcile-every", "00:00:01");

    internal static string WriteInfrastructure()
    {
        var path = Path.Combine(Path.GetTempPath(), $"discovery-infra-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, """
            sites:
              - { name: paris, latitude: 48.85, longitude: 2.35, nodes: [ { name: node, count: 2, cpus: 16, memoryMiB: 32768 } ] }
              - { name: lyon, latitude: 45.76, longitude: 4.84, nodes: [ { name: node, count: 2, cpus: 8, memoryMiB: 16384 } ] }
            """);
        return path;
    }

    private static Task<long> ActiveSilosAsync(string connection, string clusterId) => CountSilosAsync(connection, clusterId, status: 3);

    private static Task<long> DeadSilosAsync(string connection, string clusterId) => CountSilosAsync(connection, clusterId, status: 6);

    // Orleans' SiloStatus values, as stored in the membership table: 3 = Active, 6 = Dead.
    private static async Task<long> CountSilosAsync(string connection, string clusterId, int status)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @id AND status = @status", db);
        command.Parameters.AddWithValue("id", clusterId);
        command.Parameters.AddWithValue("status", status);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
