package io.txgate.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The split of db.clusterMaxConnections between the live nodes. */
class SharesTest {

  @Provide
  Arbitrary<List<String>> members() {
    return Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(6)
      .list().ofMinSize(1).ofMaxSize(12).uniqueElements();
  }

  @Property
  void theSharesNeverAddUpToMoreThanTheBudget(@ForAll @IntRange(min = 1, max = 500) int budget,
                                              @ForAll @IntRange(min = 1, max = 64) int poolSize,
                                              @ForAll("members") List<String> nodes) {
    int sum = Shares.all(budget, poolSize, nodes).values().stream().mapToInt(Integer::intValue).sum();
    assertThat(sum).isLessThanOrEqualTo(budget);
  }

  @Property
  void theBudgetIsUsedUpToWhatThePoolsCanHold(@ForAll @IntRange(min = 1, max = 500) int budget,
                                              @ForAll @IntRange(min = 1, max = 64) int poolSize,
                                              @ForAll("members") List<String> nodes) {
    int sum = Shares.all(budget, poolSize, nodes).values().stream().mapToInt(Integer::intValue).sum();
    assertThat(sum).isEqualTo(Math.min(budget, poolSize * nodes.size()));
  }

  @Property
  void everyShareIsWithinThePoolAndTheyDifferByAtMostOne(@ForAll @IntRange(min = 1, max = 500) int budget,
                                                        @ForAll @IntRange(min = 1, max = 64) int poolSize,
                                                        @ForAll("members") List<String> nodes) {
    Map<String, Integer> shares = Shares.all(budget, poolSize, nodes);
    assertThat(shares).hasSize(nodes.size());
    assertThat(shares.values()).allSatisfy(s -> assertThat(s).isBetween(0, poolSize));
    int max = Collections.max(shares.values());
    int min = Collections.min(shares.values());
    assertThat(max - min).isLessThanOrEqualTo(1);
  }

  @Property
  void theRemainderGoesToTheFirstNodesInSortedOrder(@ForAll @IntRange(min = 1, max = 500) int budget,
                                                   @ForAll @IntRange(min = 1, max = 64) int poolSize,
                                                   @ForAll("members") List<String> nodes) {
    List<Integer> inOrder = new ArrayList<>(Shares.all(budget, poolSize, nodes).values());
    List<String> sorted = new ArrayList<>(nodes);
    Collections.sort(sorted);
    assertThat(new ArrayList<>(Shares.all(budget, poolSize, nodes).keySet())).isEqualTo(sorted);
    for (int i = 1; i < inOrder.size(); i++) {
      assertThat(inOrder.get(i)).isLessThanOrEqualTo(inOrder.get(i - 1));
    }
  }

  @Property
  void everyNodeComputesTheSameSplitWhateverOrderItSeesTheMembersIn(
      @ForAll @IntRange(min = 1, max = 500) int budget, @ForAll @IntRange(min = 1, max = 64) int poolSize,
      @ForAll("members") List<String> nodes) {
    List<String> shuffled = new ArrayList<>(nodes);
    Collections.shuffle(shuffled);
    for (String self : nodes) {
      assertThat(Shares.of(budget, poolSize, shuffled, self)).isEqualTo(Shares.of(budget, poolSize, nodes, self));
    }
  }

  @Property
  void aNodeThatIsNotAMemberHasNoShare(@ForAll @IntRange(min = 1, max = 500) int budget,
                                       @ForAll @IntRange(min = 1, max = 64) int poolSize,
                                       @ForAll("members") List<String> nodes) {
    assertThat(Shares.of(budget, poolSize, nodes, "not-a-member")).isZero();
  }

  @Example
  void aBudgetSmallerThanTheClusterLeavesTheLastNodesWithNothing() {
    assertThat(Shares.all(2, 16, List.of("c", "a", "b"))).containsExactly(
      Map.entry("a", 1), Map.entry("b", 1), Map.entry("c", 0));
  }

  @Example
  void aLoneNodeTakesTheBudgetUpToItsPool() {
    assertThat(Shares.of(100, 16, List.of("self"), "self")).isEqualTo(16);
    assertThat(Shares.of(6, 16, List.of("self"), "self")).isEqualTo(6);
  }

  @Example
  void sixAcrossThreeIsTwoEachAndThreeEachAcrossTwo() {
    assertThat(Shares.all(6, 16, List.of("a", "b", "c")).values()).containsExactly(2, 2, 2);
    assertThat(Shares.all(6, 16, List.of("a", "c")).values()).containsExactly(3, 3);
    assertThat(Shares.all(7, 16, List.of("a", "b", "c")).values()).containsExactly(3, 2, 2);
  }
}
