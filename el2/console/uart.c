// SPDX-License-Identifier: MIT
/*
 * Polled transmit for the UARTs el2 supports. Only the transmit path: the
 * firmware (or QEMU) has set the line up, and we never take interrupts.
 */
#include "el2/uart.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF BIT(5)

#define UART8250_THR 0
#define UART8250_LSR 5
#define UART8250_LSR_THRE BIT(5)

#define UART_SPIN_LIMIT 1000000

static inline u32 mmio_read32(u64 addr)
{
	return *(volatile u32 *)(uintptr_t)addr;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	*(volatile u32 *)(uintptr_t)addr = v;
}

static inline u8 mmio_read8(u64 addr)
{
	return *(volatile u8 *)(uintptr_t)addr;
}

static inline void mmio_write8(u64 addr, u8 v)
{
	*(volatile u8 *)(uintptr_t)addr = v;
}

static u32 reg8250_read(const struct uart *u, u32 reg)
{
	u64 addr = u->base + ((u64)reg << u->reg_shift);

	return u->io_width == 4 ? mmio_read32(addr) : mmio_read8(addr);
}

static void reg8250_write(const struct uart *u, u32 reg, u32 v)
{
	u64 addr = u->base + ((u64)reg << u->reg_shift);

	if (u->io_width == 4)
		mmio_write32(addr, v);
	else
		mmio_write8(addr, (u8)v);
}

/* Bounded waits: a UART that never drains must not hang the hypervisor. */
static void put_raw(const struct uart *u, char c)
{
	u32 spins = 0;

	switch (u->kind) {
	case UART_PL011:
		while ((mmio_read32(u->base + PL011_FR) & PL011_FR_TXFF) && spins++ < UART_SPIN_LIMIT)
			;
		mmio_write32(u->base + PL011_DR, (u8)c);
		break;
	case UART_8250:
		while (!(reg8250_read(u, UART8250_LSR) & UART8250_LSR_THRE) &&
		       spins++ < UART_SPIN_LIMIT)
			;
		reg8250_write(u, UART8250_THR, (u8)c);
		break;
	default:
		break;
	}
}

void uart_putc(const struct uart *u, char c)
{
	if (c == '\n')
		put_raw(u, '\r');
	put_raw(u, c);
}
