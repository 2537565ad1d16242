using System.Diagnostics;
using Discovery.Abstractions.Environments;
using Discovery.Client;
using Discovery.Testing;
using Discovery.Testing.Postgres;
using Discovery.Testing.Processes;
using Npgsql;
using Xunit;

namespace Discovery.Silo.Tests.Postgres;

/// <summary>
/// The operator's backup and restore (deployment/README.md, "Backup and restore"): pg_dump of a running cluster's
/// database, pg_restore into a fresh one, silos started on it — every VE is there with its VMs.
/// </summary>
public sealed class BackupRestoreTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [PostgresFact]
    public async Task A_database_dumped_while_the_cluster_runs_restores_into_a_cluster_with_every_ve()
    {
        var original = await postgres.CreateDatabaseAsync();
        await PostgresClusterTests.InitSchemaAsync(original);
        var clusterId = $"pg-{Guid.NewGuid():N}";
        var infrastructure = PostgresClusterTests.WriteInfrastructure();
        var ves = Enumerable.Range(1, 3).Select(i => $"backup/shop-{i}").ToList();
        var dump = Path.Combine(Path.GetTempPath(), $"discovery-{Guid.NewGuid():N}.dump");
        await using (var paris = PostgresClusterTests.StartSilo("paris", original, clusterId, infrastructure))
        {
            await paris.WaitForLineAsync("is running", StartTimeout);
            await using var client = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Connection = original, ClusterId = clusterId });
            foreach (var ve in ves)
            {
                await client.VirtualEnvironments.CreateAsync(ve, new VeSpec([new VmTemplate("web", 1, 1024, Count: 2)]));
                await client.VirtualEnvironments.DeployAsync(ve, Locality.NearSite("paris"));
            }

            // Taken while the silo runs and writes: pg_dump reads one consistent snapshot.
            await RunAsync("pg_dump", "--format=custom", $"--file={dump}", "--dbname", Libpq(original));
        }

        var restored = await postgres.CreateDatabaseAsync();
        await RunAsync("pg_restore", "--no-owner", "--dbname", Libpq(restored), dump);
        await ForgetOldSilosAsync(restored);
        await using var parisAgain = PostgresClusterTests.StartSilo("paris", restored, clusterId, infrastructure);
        await parisAgain.WaitForLineAsync("is running", StartTimeout);
        await using var after = await DiscoveryClient.ConnectAsync(new DiscoveryClientOptions { Connection = restored, ClusterId = clusterId });

        Assert.Equal(ves, (await after.VirtualEnvironments.ListAsync("backup/")).Ves.Order());
        foreach (var ve in ves)
        {
            var located = await after.VirtualEnvironments.LocateAsync(ve);
            Assert.Equal(["web-1", "web-2"], located.Vms.Select(v => v.Vm).Order());
            Assert.All(located.Vms, v => Assert.StartsWith("paris/", v.Node));
        }
        File.Delete(dump);
    }

    // The restored membership table still lists the silos that ran when the dump was taken; as the guide says, the
    // operator removes them so the new silos do not wait to declare those dead.
    private static async Task ForgetOldSilosAsync(string connection)
    {
        await using var db = new NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("DELETE FROM orleansmembershiptable; DELETE FROM orleansmembershipversiontable;", db);
        await command.ExecuteNonQueryAsync();
    }

    // pg_dump and pg_restore take libpq's "key=value" form, not Npgsql's.
    private static string Libpq(string connection)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        return $"host={b.Host} port={b.Port} user={b.Username} dbname={b.Database}" + (b.Password is { Length: > 0 } p ? $" password={p}" : "");
    }

    private static async Task RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(StartTimeout);
        Assert.True(process.ExitCode == 0, $"{tool} failed ({process.ExitCode}): {await errors}");
    }
}
