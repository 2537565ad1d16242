namespace Discovery.Abstractions.VirtualMachines;

/// <summary>An operation that the VM's current state does not allow; the message names the VM, its state and what is needed.</summary>
[GenerateSerializer, Alias("discovery.vm-transition")]
public sealed class VmTransitionException(string message) : InvalidOperationException(message);

/// <summary>A node that cannot take a VM; the message gives the figures.</summary>
[GenerateSerializer, Alias("discovery.insufficient-capacity")]
public sealed class InsufficientCapacityException(string message) : InvalidOperationException(message);

/// <summary>The hypervisor refused or failed an operation; the message carries the hypervisor's own words.</summary>
[GenerateSerializer, Alias("discovery.hypervisor-failure")]
public sealed class HypervisorException(string message) : Exception(message);
