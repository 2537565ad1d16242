using System.CommandLine;
using Discovery.Abstractions.Security;
using Discovery.Cli.Output;

namespace Discovery.Cli.Commands;

/// <summary><c>login</c>, <c>logout</c>, <c>whoami</c>, and the administrators' <c>tenant</c>, <c>key</c>, <c>token</c> and <c>audit</c>.</summary>
public static class IdentityCommands
{
    public static IEnumerable<Command> Create(Func<ParseResult, CliContext> context)
    {
        var login = new Command("login", "Check the credential given with --key (or $DISCOVERY_KEY) and save it for later commands");
        login.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var key = cli.Connection.Credential ?? throw new ArgumentException("login needs a credential: discovery login --key dsk_… (or $DISCOVERY_KEY)");
            var who = await (await cli.ClientAsync(ct)).Identity.WhoAmIAsync(ct);
            cli.Credentials.Save(cli.Connection.ClusterId, new CredentialStore.Entry(key, who is { IsAdmin: false } ? who.Name : null));
            cli.Out.Say(who is null
                ? $"saved; note that cluster '{cli.Connection.ClusterId}' runs without security, so the key is not checked"
                : $"logged in to cluster '{cli.Connection.ClusterId}' as {who}; saved in {cli.Credentials.Path}");
            return 0;
        });

        var logout = new Command("logout", "Forget the saved credential of this cluster");
        logout.SetAction(parse =>
        {
            var cli = context(parse);
            cli.Out.Say(cli.Credentials.Remove(cli.Connection.ClusterId) ? "logged out" : "no credential was saved for this cluster");
            return 0;
        });

        var whoami = new Command("whoami", "Who the cluster takes you for");
        whoami.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var who = await (await cli.ClientAsync(ct)).Identity.WhoAmIAsync(ct);
            cli.Out.Print(who, w => new Table("NAME", "ROLE").Row(w?.Name ?? "(security off)", w?.Role.ToString() ?? "-"));
            return 0;
        });

        return [login, logout, whoami, Tenant(context), Key(context), Token(context), Audit(context), Policy(context)];
    }

    private static Command Tenant(Func<ParseResult, CliContext> context)
    {
        var tenant = new Command("tenant", "Tenants (administrators): create, list, issue keys");
        var name = new Argument<string>("name") { Description = "The tenant's name (the first part of its VEs' ids)" };
        var validFor = ValidFor();
        var create = new Command("create", "Create a tenant and print its first API key (shown only once)") { name, validFor };
        create.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            Issued(cli, await (await cli.ClientAsync(ct)).Identity.CreateTenantAsync(parse.GetValue(name)!, Days(parse.GetValue(validFor)), ct));
            return 0;
        });
        var ls = new Command("ls", "List tenants");
        ls.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var list = await (await cli.ClientAsync(ct)).Identity.TenantsAsync(ct);
            cli.Out.Print(list, l => l.Aggregate(new Table("TENANT"), (t, n) => t.Row(n)));
            return 0;
        });
        var keyName = new Argument<string>("name") { Description = "The tenant" };
        var keyValid = ValidFor();
        var key = new Command("key", "Issue another API key for a tenant") { keyName, keyValid };
        key.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            Issued(cli, await (await cli.ClientAsync(ct)).Identity.IssueKeyAsync(parse.GetValue(keyName)!, Role.Tenant, Days(parse.GetValue(keyValid)), ct));
            return 0;
        });
        var quotaName = new Argument<string>("name") { Description = "The tenant" };
        var vcpus = new Option<int?>("--vcpus") { Description = "The most vCPUs its VMs may have together" };
        var memory = new Option<long?>("--memory-mib") { Description = "The most memory (MiB) its VMs may have together" };
        var vms = new Option<int?>("--vms") { Description = "The most VMs" };
        var imageMiB = new Option<long?>("--image-mib") { Description = "The most MiB of imported images" };
        var quota = new Command("quota", "Show a tenant's quota, or set it (administrators) with any of the limits") { quotaName, vcpus, memory, vms, imageMiB };
        quota.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var identity = (await cli.ClientAsync(ct)).Identity;
            var limits = new QuotaLimits(parse.GetValue(vcpus), parse.GetValue(memory), parse.GetValue(vms), parse.GetValue(imageMiB) * 1048576);
            var status = limits == new QuotaLimits()
                ? await identity.QuotaAsync(parse.GetValue(quotaName)!, ct)
                : await identity.SetQuotaAsync(parse.GetValue(quotaName)!, limits, ct);
            cli.Out.Print(status, q => new Table("RESOURCE", "USED", "LIMIT")
                .Row("vCPUs", q.Used.Vcpus, q.Limits.Vcpus?.ToString() ?? "-")
                .Row("memory MiB", q.Used.MemoryMiB, q.Limits.MemoryMiB?.ToString() ?? "-")
                .Row("VMs", q.Used.Vms, q.Limits.Vms?.ToString() ?? "-")
                .Row("image MiB", q.Used.ImageBytes / 1048576, q.Limits.ImageBytes is { } b ? (b / 1048576).ToString() : "-"));
            return 0;
        });
        tenant.Subcommands.Add(quota);
        tenant.Subcommands.Add(create);
        tenant.Subcommands.Add(ls);
        tenant.Subcommands.Add(key);
        return tenant;
    }

    private static Command Key(Func<ParseResult, CliContext> context)
    {
        var key = new Command("key", "API keys (administrators): revoke, or issue an administrator's key");
        var id = new Argument<string>("key-id") { Description = "The key's id (the part after dsk_, before the next _)" };
        var revoke = new Command("revoke", "Revoke an API key; silos stop accepting it within Security:KeyCacheTtl") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            await (await cli.ClientAsync(ct)).Identity.RevokeKeyAsync(parse.GetValue(id)!, ct);
            cli.Out.Say($"key {parse.GetValue(id)} revoked");
            return 0;
        });
        var name = new Argument<string>("name") { Description = "The administrator's name (for the audit log)" };
        var validFor = ValidFor();
        var admin = new Command("admin", "Issue an administrator's API key") { name, validFor };
        admin.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            Issued(cli, await (await cli.ClientAsync(ct)).Identity.IssueKeyAsync(parse.GetValue(name)!, Role.Admin, Days(parse.GetValue(validFor)), ct));
            return 0;
        });
        key.Subcommands.Add(revoke);
        key.Subcommands.Add(admin);
        return key;
    }

    private static Command Token(Func<ParseResult, CliContext> context)
    {
        var name = new Argument<string>("tenant") { Description = "The tenant the token speaks for" };
        var minutes = new Option<double>("--minutes") { Description = "How long it is valid", DefaultValueFactory = _ => 60 };
        var token = new Command("token", "Issue a signed, expiring token for a tenant (administrators; needs Security:TokenSigningKey)") { name, minutes };
        token.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var issued = await (await cli.ClientAsync(ct)).Identity.IssueTokenAsync(parse.GetValue(name)!, TimeSpan.FromMinutes(parse.GetValue(minutes)), Role.Tenant, ct);
            cli.Out.Print(new { token = issued }, t => new Table("TOKEN").Row(t.token));
            return 0;
        });
        return token;
    }

    private static Command Policy(Func<ParseResult, CliContext> context)
    {
        var policy = new Command("policy", "Security policies of a tenant or a VE: where its VMs and images may be, with whom they share nodes");
        var scope = new Argument<string>("scope") { Description = "The tenant (acme) or one of its VEs (acme/shop)" };
        var file = new Option<FileInfo?>("--file", "-f") { Description = "The policy (YAML, see docs/security.md)" };
        var clear = new Option<bool>("--clear") { Description = "Detach the policy" };
        var set = new Command("set", "Attach a policy (or --clear it); a policy that does not parse is refused with its line and column") { scope, file, clear };
        set.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var text = parse.GetValue(clear) ? null
                : parse.GetValue(file) is { } f ? await File.ReadAllTextAsync(f.FullName, ct)
                : throw new ArgumentException("policy set needs -f FILE or --clear");
            var target = parse.GetValue(scope)!;
            await (await cli.ClientAsync(ct)).Policies.SetAsync(target, text, ct);
            cli.Out.Say(text is null ? $"policy of {target} detached" : $"policy of {target} attached");
            return 0;
        });
        var shownScope = new Argument<string>("scope") { Description = "The tenant or one of its VEs" };
        var show = new Command("show", "Print the policy attached to a tenant or a VE") { shownScope };
        show.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var target = parse.GetValue(shownScope)!;
            var text = await (await cli.ClientAsync(ct)).Policies.GetAsync(target, ct);
            cli.Out.Print(new { scope = target, policy = text }, p => new Table("SCOPE", "POLICY").Row(p.scope, p.policy ?? "(none)"));
            return 0;
        });
        policy.Subcommands.Add(set);
        policy.Subcommands.Add(show);
        return policy;
    }

    private static Command Audit(Func<ParseResult, CliContext> context)
    {
        var count = new Option<int>("--count") { Description = "How many of the most recent refusals", DefaultValueFactory = _ => 50 };
        var audit = new Command("audit", "The most recent refused calls (administrators)") { count };
        audit.SetAction(async (parse, ct) =>
        {
            var cli = context(parse);
            var entries = await (await cli.ClientAsync(ct)).Identity.AuditAsync(parse.GetValue(count), ct);
            cli.Out.Print(entries, l => l.Aggregate(new Table("AT", "CALLER", "OPERATION", "REASON"),
                (t, e) => t.Row(e.At.ToString("u"), e.Caller, e.Operation, e.Reason)));
            return 0;
        });
        return audit;
    }

    private static Option<double?> ValidFor() => new("--days") { Description = "How many days the key works (default: until revoked)" };

    private static TimeSpan? Days(double? days) => days is { } d ? TimeSpan.FromDays(d) : null;

    private static void Issued(CliContext cli, IssuedKey key)
    {
        cli.Out.Print(key, k => new Table("KEY ID", "FOR", "EXPIRES", "CREDENTIAL (shown once)").Row(k.KeyId, k.Principal, k.ExpiresAt?.ToString("u") ?? "never", k.Credential));
        cli.Out.Progress($"give the credential to its holder: discovery login --key {key.Credential}");
    }
}
