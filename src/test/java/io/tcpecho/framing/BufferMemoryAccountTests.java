package io.tcpecho.framing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget's two kinds of use: buffers may grow into half of it, frames into all of it, so
 * buffers cannot starve frames; a connection's close gives back everything it held.
 */
class BufferMemoryAccountTests {

    @Test
    void buffersGrowIntoHalfTheBudgetAndFramesIntoAllOfIt() {
        BufferMemory memory = new BufferMemory(1000);
        BufferMemory.Account buffers = memory.account();
        BufferMemory.Account frames = memory.account();
        assertThat(buffers.tryGrow(500)).isTrue();
        assertThat(buffers.tryGrow(1)).as("buffers past half").isFalse();
        assertThat(frames.tryHoldFrame(500)).isTrue();
        assertThat(frames.tryHoldFrame(1)).as("frames past the whole").isFalse();
        assertThat(memory.used()).isEqualTo(1000);
        frames.give(200);
        assertThat(frames.tryGrow(1)).as("buffers while frames hold more than half").isFalse();
        assertThat(frames.tryHoldFrame(200)).isTrue();
    }

    @Test
    void closeGivesBackEverythingAndLaterUseIsNotCounted() {
        BufferMemory memory = new BufferMemory(1000);
        BufferMemory.Account account = memory.account();
        assertThat(account.tryGrow(300)).isTrue();
        assertThat(account.tryHoldFrame(400)).isTrue();
        assertThat(account.held()).isEqualTo(700);
        account.close();
        assertThat(memory.used()).isZero();
        assertThat(account.tryHoldFrame(900)).as("a closing connection's reader is not refused").isTrue();
        account.give(900);
        assertThat(memory.used()).isZero();
        account.close();
        assertThat(memory.used()).isZero();
    }

    @Test
    void givingBackMoreThanHeldCannotUnderflowTheBudget() {
        BufferMemory memory = new BufferMemory(1000);
        BufferMemory.Account account = memory.account();
        assertThat(account.tryHoldFrame(100)).isTrue();
        account.give(500);
        assertThat(memory.used()).isZero();
        assertThat(account.held()).isZero();
    }

    @Test
    void isScarceOnceAllConnectionsHoldMoreThanHalfOfWhatBuffersMayTake() {
        BufferMemory memory = new BufferMemory(1000);
        BufferMemory.Account one = memory.account();
        BufferMemory.Account other = memory.account();
        assertThat(one.tryGrow(250)).isTrue();
        assertThat(other.scarce()).as("a quarter of the budget").isFalse();
        assertThat(one.tryHoldFrame(1)).isTrue();
        assertThat(other.scarce()).isTrue();
        one.give(1);
        assertThat(one.scarce()).isFalse();
        assertThat(BufferMemory.unbounded().account().scarce()).as("the client's budget").isFalse();
    }
}
