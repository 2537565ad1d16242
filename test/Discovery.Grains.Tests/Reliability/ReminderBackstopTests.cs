using Discovery.Abstractions.Nodes;
using Discovery.Grains.Hypervisors;
using Discovery.Testing;
using Discovery.Testing.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Discovery.Grains.Tests.Reliability;

/// <summary>
/// The three-site cluster whose reminder table refuses the first writes for grains named "refused-…", as the reminder
/// service does while it is still loading (it answers "still initializing, retry later" for up to 20 s after a silo
/// starts, longer when its table is slow). Agents reconcile every second so that retries come quickly.
/// </summary>
public sealed class RefusingRemindersFixture : SiteClusterFixture
{
    public const int Refusals = 2;

    protected override void ConfigureSilo(string site, ISiloBuilder silo)
    {
        silo.Services.Configure<HypervisorOptions>(o => o.ReconcileInterval = TimeSpan.FromSeconds(1)); // also how often the agent asks again
        var table = silo.Services.Last(d => d.ServiceType == typeof(IReminderTable));
        silo.Services.Remove(table);
        silo.Services.AddSingleton<IReminderTable>(sp => new RefusingReminderTable(Resolve(table, sp)));
    }

    private static IReminderTable Resolve(ServiceDescriptor table, IServiceProvider services) => (IReminderTable)(
        table.ImplementationInstance
        ?? table.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, table.ImplementationType!));

    private sealed class RefusingReminderTable(IReminderTable inner) : IReminderTable
    {
        private readonly Dictionary<GrainId, int> _refused = [];

        public Task<string?> UpsertRow(ReminderEntry entry)
        {
            lock (_refused)
            {
                var refused = _refused.GetValueOrDefault(entry.GrainId);
                if (entry.GrainId.Key.ToString()!.Contains("refused-") && refused < Refusals)
                {
                    _refused[entry.GrainId] = refused + 1;
                    throw new OrleansException("Reminder Service is still initializing (refused by the test's table).");
                }
            }
            return inner.UpsertRow(entry);
        }

        public Task<ReminderTableData> ReadRows(GrainId grainId) => inner.ReadRows(grainId);
        public Task<ReminderTableData> ReadRows(uint begin, uint end) => inner.ReadRows(begin, end);
        public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => inner.ReadRow(grainId, reminderName);
        public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => inner.RemoveRow(grainId, reminderName, eTag);
        public Task TestOnlyClearTable() => inner.TestOnlyClearTable();
    }
}

public sealed class ReminderBackstopTests(RefusingRemindersFixture fixture) : IClassFixture<RefusingRemindersFixture>
{
    private readonly string _test = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_node_joins_while_the_reminder_service_refuses_and_gets_its_wake_up_reminder_later()
    {
        var node = fixture.Client.GetGrain<INodeGrain>($"lyon/refused-{_test}");
        var reminders = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

        var joined = await node.RegisterAsync(new NodeSpec(2, 2048));
        Assert.Equal(NodeStatus.Up, joined.Status);
        Assert.Empty((await reminders.ReadRows(node.GetGrainId())).Reminders);

        await Eventually.HoldsAsync(
            async () => (await reminders.ReadRows(node.GetGrainId())).Reminders.Any(r => r.ReminderName == "wake-up"),
            "the agent to register the refused wake-up reminder again");
    }
}
